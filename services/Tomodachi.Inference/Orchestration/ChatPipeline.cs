using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Grpc;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Memory;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Monitoring;
using Tomodachi.Inference.Telemetry;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Orchestration;

/// <summary>
/// One chat turn: read the conversation so far, let the orchestrator route the message, fetch memories, put the
/// conversation into the context, generate the reply as a stream in the slot whose cache fits it best, measure
/// everything, journal the turn, hand the stats to the caller and remember what the user stated. The measured
/// <see cref="TurnStats"/> feed the client, the metrics and the status stream alike. A private turn is measured and
/// counted like any other, but neither journaled nor remembered.
/// </summary>
public sealed class ChatPipeline(
    IModelManager models,
    SlotGate slots,
    Orchestrator orchestrator,
    PersonaCatalog personas,
    IMemoryRecall memory,
    InferenceMetrics metrics,
    ITurnJournal journal,
    IConversationStore conversations,
    ActiveReplies replies,
    StatusBoard status,
    TimeProvider time,
    ILogger<ChatPipeline> logger)
{
    // A plain chat has no persona: llama-server's default sampling.
    private static readonly SamplingSettings PlainSampling = new(0.8f, 0.95f, 40, 1f, 0);

    /// <summary>
    /// Runs the turn, streaming reply text through <paramref name="deltas"/> and then the stats through
    /// <paramref name="finished"/> unless the caller has gone; returns the turn (journaled unless private). The user's
    /// message in a listed conversation is remembered after the stats went out, so the client does not wait for it; the
    /// reply is not a memory, only part of the conversation's history.
    /// </summary>
    /// <exception cref="NothingToReplaceException">The turn replaces the last one of a conversation that has none.</exception>
    /// <exception cref="PromptTooLongException">The message alone does not fit the context.</exception>
    public async Task<Turn> RunAsync(
        ChatTurn turn, Func<string, CancellationToken, ValueTask> deltas, Func<TurnStats, CancellationToken, ValueTask> finished,
        CancellationToken cancellationToken)
    {
        using var activity = InferenceTracing.Source.StartActivity("chat");
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        using var lease = await models.AcquireAsync(cancellationToken)
            ?? throw ModelNotLoadedException.For(models);
        var model = lease.Model;
        // Registered before anything is read, so a delete of the conversation stops this reply and waits for it.
        using var reply = replies.Begin(turn.SessionId, cancellationToken);
        var (history, replaced) = await HistoryOfAsync(turn, reply.Token);

        var orchestratorStarted = time.GetTimestamp();
        var decision = turn.Companion
            ? await InferenceTracing.StageAsync("orchestrate", () => orchestrator.DecideAsync(model, turn.Message, reply.Token))
            : new OrchestratorDecision("", UseMemory: false, "", FromModel: false);
        var orchestratorTime = time.GetElapsedTime(orchestratorStarted);
        var persona = !turn.Companion ? null
            : turn.Persona is { } named ? personas.Find(named)! : personas.Find(decision.Persona) ?? personas.Default;

        var retrievalStarted = time.GetTimestamp();
        var recall = decision.UseMemory && decision.MemoryQuery.Length > 0
            ? await InferenceTracing.StageAsync("memory.search",
                () => memory.SearchAsync(decision.MemoryQuery, history.UserMessages.Append(turn.Message.Trim()).ToHashSet(StringComparer.Ordinal), reply.Token))
            : RecallResult.NotSearched;
        var retrievalTime = decision.UseMemory ? time.GetElapsedTime(retrievalStarted) : TimeSpan.Zero;

        var system = string.Join("\n\n", new[] { persona?.SystemPrompt, turn.ClientConversation?.System }.Where(s => !string.IsNullOrEmpty(s)));
        var userContent = RecalledMemories.IntoUserTurn(turn.Message, recall.Memories);
        var contextLimit = (int)model.Description.ContextLength;
        var wanted = turn.MaxTokens ?? persona?.MaxTokens ?? contextLimit;
        var plan = ConversationPrompt.Assemble(messages => model.Tokenize(PromptBuilder.Build(model, messages), addBos: true),
            system, history.Turns, userContent, alreadyDropped: 0, contextLimit, replyReserve: wanted);

        var maxTokens = Math.Min(wanted, contextLimit - plan.Tokens.Length);
        var adapter = persona?.AdapterPath is { Length: > 0 } path ? model.Adapters[path] : null;
        var adapterScale = persona?.AdapterScale ?? 1f;
        var request = new GenerationRequest(0, plan.Tokens, Sampling(persona, turn.Sampling), maxTokens, contextLimit,
            Grammar: turn.Grammar, Adapter: adapter, AdapterScale: adapterScale, Stop: turn.Stop);
        var result = await InferenceTracing.StageAsync("generate", async () =>
        {
            using var slot = await slots.AcquireAsync(index => model.Engine.Cache.SharedPrefix(index, plan.Tokens, adapter, adapterScale),
                admitted: decision.PromptTokens > 0, reply.Token);
            return await model.Engine.GenerateAsync(request with { Slot = slot.Index }, deltas, reply.Token);
        });

        var stats = Measure(turn, model, persona, decision, recall, plan, history.Skipped, result, started, startedAt, orchestratorTime, retrievalTime);
        stats.ReplacedTurnId = replaced ?? "";
        InferenceTracing.Describe(activity, stats);
        var journaled = new Turn { Stats = stats, UserMessage = turn.Message, Reply = result.Text, RecalledMemories = { recall.Memories } };
        var clientHistory = turn.ClientConversation is null ? null
            : history.Turns.Skip(plan.DroppedTurns).SelectMany(t => t.Messages).ToList();
        await RecordAsync(journaled, new TurnPrompt(system, userContent, clientHistory), turn);

        // A client that left, or a delete of the conversation, gets no stats and stores nothing more.
        if (!reply.Token.IsCancellationRequested)
        {
            await finished(stats, reply.Token);
            if (turn.Listed && !turn.Private)
            {
                await InferenceTracing.StageAsync("memory.store",
                    () => memory.StoreUserMessageAsync(stats.SessionId, turn.Message, reply.Token));
            }
        }

        return journaled;
    }

    /// <summary>The earlier turns this prompt starts from, and the id of the turn this one replaces.</summary>
    private async Task<(PromptHistory History, string? Replaced)> HistoryOfAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        if (turn.ClientConversation is { } client)
        {
            var sent = client.History;
            return (new PromptHistory(sent, 0, [.. sent.SelectMany(t => t.Messages).Where(m => m.Role == PromptMessage.User).Select(m => m.Content.Trim())]), null);
        }

        var kept = await conversations.ReadHistoryAsync(turn.SessionId, cancellationToken);
        var exchanges = kept.Turns;
        string? replaced = null;
        if (turn.ReplaceLastTurn)
        {
            replaced = exchanges.Count > 0 ? exchanges[^1].TurnId : throw new NothingToReplaceException(turn.SessionId);
            exchanges = exchanges.Take(exchanges.Count - 1).ToList();
        }

        return (new PromptHistory(
            [.. exchanges.Select(e => HistoryTurn.Of(e.UserContent, e.Reply))], kept.Skipped, [.. exchanges.Select(e => e.UserMessage.Trim())]), replaced);
    }

    /// <summary>Earlier turns for the prompt; <paramref name="Skipped"/> were left out before them by earlier prompts.</summary>
    private sealed record PromptHistory(IReadOnlyList<HistoryTurn> Turns, int Skipped, IReadOnlyList<string> UserMessages);

    /// <summary>
    /// Feeds the one measured <see cref="TurnStats"/> to the metrics, the journal and the status stream. A cancelled
    /// turn is recorded too (the client left, the turn still happened), so this does not take the caller's token. A
    /// private turn skips the journal only: its figures carry no text.
    /// </summary>
    private async Task RecordAsync(Turn turn, TurnPrompt prompt, ChatTurn chat)
    {
        var stats = turn.Stats;
        metrics.Record(stats);
        try
        {
            if (!chat.Private)
            {
                await journal.AppendAsync(turn, prompt, chat.Listed, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            // The reply has been produced; a journal that cannot write must not turn it into an error.
            logger.LogError(exception, "Journaling turn {TurnId} failed", stats.TurnId);
        }

        status.TurnFinished(stats);
        logger.LogInformation("Turn {TurnId} finished: {Stop}, {PromptTokens} prompt ({CachedTokens} cached) + {CompletionTokens} reply tokens, persona {Persona}",
            stats.TurnId, stats.StopReason, stats.PromptTokens, stats.CachedPromptTokens, stats.CompletionTokens, stats.Persona);
    }

    private static SamplingSettings Sampling(PersonaOptions? persona, SamplingOverrides? overrides) => new(
        overrides?.Temperature ?? persona?.Temperature ?? PlainSampling.Temperature,
        overrides?.TopP ?? persona?.TopP ?? PlainSampling.TopP,
        overrides?.TopK ?? persona?.TopK ?? PlainSampling.TopK,
        overrides?.RepeatPenalty ?? persona?.RepeatPenalty ?? PlainSampling.RepeatPenalty,
        overrides?.Seed ?? (uint)Random.Shared.Next());

    private TurnStats Measure(
        ChatTurn turn, LoadedModel model, PersonaOptions? persona, OrchestratorDecision decision, RecallResult recall, PromptPlan plan,
        int skippedBefore, GenerationResult result, long started, DateTimeOffset startedAt, TimeSpan orchestratorTime, TimeSpan retrievalTime)
    {
        var promptEval = result.PromptEvaluatedAt is { } evaluated ? time.GetElapsedTime(result.PromptEvalStarted, evaluated) : TimeSpan.Zero;
        var evaluatedTokens = plan.Tokens.Length - result.CachedPromptTokens;
        var generation = result.GenerationTime(time);
        var stats = new TurnStats
        {
            TurnId = Guid.CreateVersion7(startedAt).ToString(),
            SessionId = turn.SessionId,
            PromptTokens = (uint)plan.Tokens.Length,
            CachedPromptTokens = (uint)result.CachedPromptTokens,
            HistoryTurns = (uint)plan.HistoryTurns,
            HistoryDroppedTurns = (uint)(skippedBefore + plan.DroppedTurns),
            CompletionTokens = (uint)result.CompletionTokens,
            TimeToFirstTokenMs = result.FirstTokenAt is { } firstToken ? time.GetElapsedTime(started, firstToken).TotalMilliseconds : 0,
            OrchestratorMs = orchestratorTime.TotalMilliseconds,
            OrchestratorPromptTokens = (uint)decision.PromptTokens,
            OrchestratorCompletionTokens = (uint)decision.CompletionTokens,
            RetrievalMs = retrievalTime.TotalMilliseconds,
            GenerationMs = generation.TotalMilliseconds,
            PromptEvalMs = promptEval.TotalMilliseconds,
            GenerationTokensPerSecond = result.GenerationTokensPerSecond(time),
            // Evaluated tokens only: tokens taken from the cache cost nothing and would flatter the rate.
            PromptTokensPerSecond = promptEval > TimeSpan.Zero ? evaluatedTokens / promptEval.TotalSeconds : 0,
            StopReason = result.Stop.ToProto(),
            ModelId = model.Description.Id,
            Persona = persona?.Name ?? "",
            Adapter = persona?.AdapterPath is { Length: > 0 } path ? Path.GetFileNameWithoutExtension(path) : "",
            Demo = model.Description.Demo,
            MemoryAvailable = recall.Available,
            MemoriesUsed = (uint)recall.Memories.Count,
            OrchestratorFallback = turn.Companion && !decision.FromModel,
            PeakBatchSequences = (uint)result.PeakBatchSequences,
            Source = turn.Source,
            StartedAt = Timestamp.FromDateTimeOffset(startedAt),
        };
        stats.FinishedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        stats.TotalLatencyMs = time.GetElapsedTime(started).TotalMilliseconds;
        return stats;
    }
}
