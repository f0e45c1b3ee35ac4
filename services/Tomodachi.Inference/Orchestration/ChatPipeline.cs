using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Grpc;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Memory;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Monitoring;
using Tomodachi.Inference.Telemetry;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Orchestration;

/// <summary>
/// One chat turn: take a slot, let the orchestrator route the message, fetch memories, generate the persona's reply
/// as a stream, measure everything, then remember the exchange. The measured <see cref="TurnStats"/> feed the client,
/// the metrics and the status stream alike.
/// </summary>
public sealed class ChatPipeline(
    IModelManager models,
    SlotGate slots,
    Orchestrator orchestrator,
    PersonaCatalog personas,
    IMemoryRecall memory,
    InferenceMetrics metrics,
    ITurnJournal journal,
    StatusBoard status,
    TimeProvider time,
    ILogger<ChatPipeline> logger)
{
    /// <summary>Runs the turn, streaming reply text through <paramref name="deltas"/>; returns the reply and its stats.</summary>
    public async Task<Turn> RunAsync(ChatTurn turn, Func<string, CancellationToken, ValueTask> deltas, CancellationToken cancellationToken)
    {
        using var activity = InferenceTracing.Source.StartActivity("chat");
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        using var lease = await models.AcquireAsync(cancellationToken)
            ?? throw ModelNotLoadedException.For(models);
        var model = lease.Model;
        using var slot = await slots.AcquireAsync(cancellationToken);

        var orchestratorStarted = time.GetTimestamp();
        var decision = await InferenceTracing.StageAsync("orchestrate",
            () => orchestrator.DecideAsync(model, slot.Index, turn.Message, cancellationToken));
        var orchestratorTime = time.GetElapsedTime(orchestratorStarted);
        var persona = turn.Persona is { } named ? personas.Find(named)! : personas.Find(decision.Persona) ?? personas.Default;

        var retrievalStarted = time.GetTimestamp();
        var recall = decision.UseMemory && decision.MemoryQuery.Length > 0
            ? await InferenceTracing.StageAsync("memory.search", () => memory.SearchAsync(decision.MemoryQuery, cancellationToken))
            : new RecallResult(false, []);
        var retrievalTime = decision.UseMemory ? time.GetElapsedTime(retrievalStarted) : TimeSpan.Zero;

        var prompt = model.Tokenize(
            PromptBuilder.Build(model, PromptBuilder.SystemPrompt(persona.SystemPrompt, recall.Memories), turn.Message), addBos: true);
        var contextLimit = (int)model.Description.ContextLength;
        if (prompt.Length >= contextLimit)
        {
            throw new PromptTooLongException(
                $"The prompt needs {prompt.Length} tokens but a chat's context holds {contextLimit}; send a shorter message.");
        }

        var maxTokens = turn.MaxTokens ?? Math.Min(persona.MaxTokens, contextLimit - prompt.Length);
        var adapter = persona.AdapterPath is { Length: > 0 } path ? model.Adapters[path] : null;
        var request = new GenerationRequest(slot.Index, prompt, Sampling(persona, turn.Sampling), maxTokens, contextLimit,
            Adapter: adapter, AdapterScale: persona.AdapterScale);
        var result = await InferenceTracing.StageAsync("generate", () => model.Engine.GenerateAsync(request, deltas, cancellationToken));

        var stats = Measure(turn, model, persona, decision, recall, prompt.Length, result, started, startedAt, orchestratorTime, retrievalTime);
        InferenceTracing.Describe(activity, stats);
        var finished = new Turn { Stats = stats, UserMessage = turn.Message, Reply = result.Text };
        await RecordAsync(finished);
        return finished;
    }

    /// <summary>
    /// Feeds the one measured <see cref="TurnStats"/> to the metrics, the journal and the status stream. A cancelled
    /// turn is recorded too (the client left, the turn still happened), so this does not take the caller's token.
    /// </summary>
    private async Task RecordAsync(Turn turn)
    {
        var stats = turn.Stats;
        metrics.Record(stats);
        try
        {
            await journal.AppendAsync(turn, CancellationToken.None);
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            // The reply has been produced; a journal that cannot write must not turn it into an error.
            logger.LogError(exception, "Journaling turn {TurnId} failed", stats.TurnId);
        }

        status.TurnFinished(stats);
        logger.LogInformation("Turn {TurnId} finished: {Stop}, {PromptTokens} prompt + {CompletionTokens} reply tokens, persona {Persona}",
            stats.TurnId, stats.StopReason, stats.PromptTokens, stats.CompletionTokens, stats.Persona);
    }

    /// <summary>Stores the exchange in long-term memory; best effort, a failure is only logged.</summary>
    public Task<bool> RememberAsync(Turn turn, CancellationToken cancellationToken) =>
        InferenceTracing.StageAsync("memory.store",
            () => memory.StoreExchangeAsync(turn.Stats.SessionId, turn.UserMessage, turn.Reply, cancellationToken));

    private static SamplingSettings Sampling(PersonaOptions persona, SamplingOverrides? overrides) => new(
        overrides?.Temperature ?? persona.Temperature,
        overrides?.TopP ?? persona.TopP,
        overrides?.TopK ?? persona.TopK,
        overrides?.RepeatPenalty ?? persona.RepeatPenalty,
        overrides?.Seed ?? (uint)Random.Shared.Next());

    private TurnStats Measure(
        ChatTurn turn, LoadedModel model, PersonaOptions persona, OrchestratorDecision decision, RecallResult recall, int promptTokens,
        GenerationResult result, long started, DateTimeOffset startedAt, TimeSpan orchestratorTime, TimeSpan retrievalTime)
    {
        var promptEval = result.PromptEvaluatedAt is { } evaluated ? time.GetElapsedTime(result.PromptEvalStarted, evaluated) : TimeSpan.Zero;
        var generation = result.GenerationTime(time);
        var stats = new TurnStats
        {
            TurnId = Guid.CreateVersion7(startedAt).ToString(),
            SessionId = turn.SessionId,
            PromptTokens = (uint)promptTokens,
            CompletionTokens = (uint)result.CompletionTokens,
            TimeToFirstTokenMs = result.FirstTokenAt is { } firstToken ? time.GetElapsedTime(started, firstToken).TotalMilliseconds : 0,
            OrchestratorMs = orchestratorTime.TotalMilliseconds,
            RetrievalMs = retrievalTime.TotalMilliseconds,
            GenerationMs = generation.TotalMilliseconds,
            PromptEvalMs = promptEval.TotalMilliseconds,
            GenerationTokensPerSecond = result.GenerationTokensPerSecond(time),
            PromptTokensPerSecond = promptEval > TimeSpan.Zero ? promptTokens / promptEval.TotalSeconds : 0,
            StopReason = result.Stop.ToProto(),
            ModelId = model.Description.Id,
            Persona = persona.Name,
            Adapter = persona.AdapterPath is { Length: > 0 } path ? Path.GetFileNameWithoutExtension(path) : "",
            Demo = model.Description.Demo,
            MemoryAvailable = recall.Available,
            MemoriesUsed = (uint)recall.Memories.Count,
            OrchestratorFallback = !decision.FromModel,
            PeakBatchSequences = (uint)result.PeakBatchSequences,
            StartedAt = Timestamp.FromDateTimeOffset(startedAt),
        };
        stats.FinishedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        stats.TotalLatencyMs = time.GetElapsedTime(started).TotalMilliseconds;
        return stats;
    }
}
