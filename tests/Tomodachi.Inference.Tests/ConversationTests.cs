using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>
/// Conversations kept by the service, against the tiny generated model and a memory service over real gRPC: the
/// history in the prompt, the KV cache reused across turns, regenerate, and the ConversationService.
/// </summary>
public sealed class ConversationTests : IAsyncLifetime
{
    private FakeMemoryServer _memory = null!;
    private InferenceApp _app = null!;

    private InferenceService.InferenceServiceClient Client => _app.Client;

    private ConversationService.ConversationServiceClient Conversations => new(_app.Channel);

    public async Task InitializeAsync()
    {
        _memory = await FakeMemoryServer.StartAsync(["My cat is called Mochi.", "I live in Kyoto."]);
        _app = new InferenceApp(new Dictionary<string, string?>
        {
            ["services:memory:grpc:0"] = _memory.Address,
            // The fixed rule searches memory with every message, which these tests need; random weights route at random.
            ["Inference:OrchestratorMode"] = "Rules",
            // Long, so a search the delete test holds up is still in progress when the delete comes.
            ["Inference:MemoryTimeout"] = "00:01:00",
        });
        await Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _memory.DisposeAsync();
    }

    [Fact]
    public async Task The_second_turn_holds_the_first_in_its_prompt_and_evaluates_only_what_is_new()
    {
        var first = (await Client.ChatToEndAsync(ChatExtensions.Request("Once upon a time there was a girl named Lily.", 12, session: "lily")))[^1].Stats;
        var second = (await Client.ChatToEndAsync(ChatExtensions.Request("She had a red ball.", 12, session: "lily")))[^1].Stats;
        var elsewhere = (await Client.ChatToEndAsync(ChatExtensions.Request("She had a red ball.", 12, session: "other")))[^1].Stats;

        Assert.True(second.PromptTokens >= first.PromptTokens + first.CompletionTokens,
            $"Turn 2's prompt ({second.PromptTokens}) does not hold turn 1's prompt ({first.PromptTokens}) and reply ({first.CompletionTokens}).");
        Assert.Equal((0u, 1u), (first.HistoryTurns, second.HistoryTurns));
        // The whole first prompt is a prefix of the second; only the last token of the assistant header may be
        // tokenized differently once the reply follows it.
        Assert.InRange(second.CachedPromptTokens, first.PromptTokens - 1, second.PromptTokens - 1);
        Assert.Equal(0u, elsewhere.HistoryTurns);
        Assert.True(elsewhere.PromptTokens < second.PromptTokens);
    }

    [Fact]
    public async Task A_conversation_longer_than_the_context_drops_its_oldest_turns_and_never_fails()
    {
        var seen = new List<TurnStats>();
        for (var i = 0; i < 14; i++)
        {
            var message = $"Turn {i}: here is a longer message about the weather, the garden, the cat and the plans for tomorrow.";
            seen.Add((await Client.ChatToEndAsync(ChatExtensions.Request(message, 24, session: "long")))[^1].Stats);
        }

        Assert.All(seen, s => Assert.True(s.PromptTokens < 512, $"Prompt of {s.PromptTokens} tokens in a 512-token context."));
        Assert.Contains(seen, s => s.HistoryDroppedTurns > 0);
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.True(pair.Second.HistoryDroppedTurns >= pair.First.HistoryDroppedTurns));
        Assert.All(seen.Select((s, i) => (s, i)), x => Assert.Equal((uint)x.i, x.s.HistoryTurns + x.s.HistoryDroppedTurns));
    }

    [Fact]
    public async Task Regenerate_replaces_the_last_turn_which_leaves_the_history_but_stays_in_the_journal()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("first message", 8, session: "regen"));
        var original = (await Client.ChatToEndAsync(ChatExtensions.Request("second message", 8, session: "regen")))[^1].Stats;
        var again = ChatExtensions.Request("second message, edited", 8, session: "regen");
        again.ReplaceLastTurn = true;

        var replacement = (await Client.ChatToEndAsync(again))[^1].Stats;
        var conversation = await Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "regen" });
        var journaled = await Client.ListTurnsAsync(new ListTurnsRequest { SessionId = "regen" });

        Assert.Equal(original.TurnId, replacement.ReplacedTurnId);
        Assert.Equal(1u, replacement.HistoryTurns);
        Assert.Equal(["first message", "second message, edited"], conversation.Turns.Select(t => t.UserMessage));
        Assert.Equal(3, journaled.Turns.Count);
        Assert.True(journaled.Turns.Single(t => t.Stats.TurnId == original.TurnId).Replaced);
    }

    [Fact]
    public async Task Replacing_the_last_turn_of_a_conversation_without_turns_is_not_found()
    {
        var request = ChatExtensions.Request("hello", 4, session: "never-seen");
        request.ReplaceLastTurn = true;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ChatToEndAsync(request));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("never-seen", error.Status.Detail);
    }

    [Fact]
    public async Task Recalled_memories_go_into_the_user_turn_skip_the_history_and_are_in_the_training_example()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("I live in Kyoto.", 8, session: "memories"));
        var second = await Client.ChatToEndAsync(ChatExtensions.Request("What is my cat called?", 8, session: "memories"));
        var turn = (await Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "memories" })).Turns[^1];

        // "I live in Kyoto." is already in the prompt as the first message, so only the cat is recalled.
        Assert.Equal(["My cat is called Mochi."], turn.RecalledMemories);
        Assert.Equal(1u, second[^1].Stats.MemoriesUsed);
        Assert.All(_memory.Searches, s => Assert.Equal(Tomodachi.Memory.V1.MemoryRole.User, s.Filter.Role));

        var example = await TrainingExampleAsync(turn.Stats.TurnId);
        Assert.Equal(["system", "user", "assistant", "user", "assistant"], example.Select(m => m.Role));
        Assert.StartsWith("[Things you remember about me from earlier chats:\n- My cat is called Mochi.]", example[3].Content);
        Assert.EndsWith("What is my cat called?", example[3].Content);
        Assert.Equal(second.ReplyText(), example[4].Content);
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_reply_before_it()
    {
        var free = ChatExtensions.Request("tell me something", 24, session: "stops");
        free.Sampling = new Sampling { Seed = 42, Temperature = 0.9f };
        var reply = (await Client.ChatToEndAsync(free)).ReplyText();
        Assert.True(reply.Length >= 6, $"The reply '{reply}' is too short to pick a stop sequence from.");
        var stop = reply.Substring(reply.Length / 2, 3);

        var stopped = free.Clone();
        stopped.SessionId = "stops-2";
        stopped.Stop.Add(stop);
        var responses = await Client.ChatToEndAsync(stopped);

        Assert.Equal(StopReason.StopSequence, responses[^1].Stats.StopReason);
        Assert.Equal(reply[..reply.IndexOf(stop, StringComparison.Ordinal)], responses.ReplyText());
    }

    [Fact]
    public async Task Conversations_are_listed_renamed_exported_and_deleted_with_their_memories()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("Plan a trip to Osaka with me", 8, session: "trip"));
        await Client.ChatToEndAsync(ChatExtensions.Request("Something else entirely", 8, session: "other-chat"));

        var listing = await Conversations.ListConversationsAsync(new ListConversationsRequest());
        var renamed = await Conversations.RenameConversationAsync(new RenameConversationRequest { SessionId = "trip", Title = "Osaka trip" });
        var markdown = await Conversations.ExportConversationAsync(new ExportConversationRequest { SessionId = "trip", Format = ExportFormat.Markdown });
        var json = await Conversations.ExportConversationAsync(new ExportConversationRequest { SessionId = "trip", Format = ExportFormat.Json });
        var deleted = await Conversations.DeleteConversationAsync(new DeleteConversationRequest { SessionId = "trip" });

        Assert.Equal(["other-chat", "trip"], listing.Conversations.Select(c => c.SessionId));
        Assert.Equal("Plan a trip to Osaka with me", listing.Conversations[1].Title);
        Assert.Equal("Osaka trip", renamed.Conversation.Title);
        Assert.Equal("osaka-trip.md", markdown.FileName);
        Assert.Contains("# Osaka trip", markdown.Content.ToStringUtf8());
        Assert.Contains("## You\n\nPlan a trip to Osaka with me", markdown.Content.ToStringUtf8());
        using var document = JsonDocument.Parse(json.Content.ToStringUtf8());
        Assert.Equal("Plan a trip to Osaka with me", document.RootElement.GetProperty("turns")[0].GetProperty("user").GetString());
        Assert.Equal((1u, 1u), (deleted.TurnsDeleted, deleted.MemoriesDeleted));
        Assert.Equal("trip", Assert.Single(_memory.Deletes).SessionId);
        var gone = await Assert.ThrowsAsync<RpcException>(() => Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "trip" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Empty((await Client.ListTurnsAsync(new ListTurnsRequest { SessionId = "trip" })).Turns);
    }

    [Fact]
    public async Task Bad_conversation_requests_get_clear_statuses()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("hello", 4, session: "named"));

        await AssertStatus(StatusCode.NotFound, "No conversation", Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "unknown" }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, "session_id", Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "no spaces" }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, "title must be 1 to 200",
            Conversations.RenameConversationAsync(new RenameConversationRequest { SessionId = "named", Title = "  " }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, "title must be 1 to 200",
            Conversations.RenameConversationAsync(new RenameConversationRequest { SessionId = "named", Title = new string('x', 201) }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, "No conversation",
            Conversations.RenameConversationAsync(new RenameConversationRequest { SessionId = "unknown", Title = "x" }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, "No conversation", Conversations.DeleteConversationAsync(new DeleteConversationRequest { SessionId = "unknown" }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, "format",
            Conversations.ExportConversationAsync(new ExportConversationRequest { SessionId = "named" }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, "page_token", Conversations.ListConversationsAsync(new ListConversationsRequest { PageToken = "%%" }).ResponseAsync);
    }

    [Fact]
    public async Task Deleting_while_memory_is_down_deletes_nothing_and_says_so()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("keep me", 4, session: "kept"));
        _memory.DeletesUnavailable = true;

        await AssertStatus(StatusCode.Unavailable, "nothing was deleted",
            Conversations.DeleteConversationAsync(new DeleteConversationRequest { SessionId = "kept" }).ResponseAsync);

        Assert.Single((await Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "kept" })).Turns);
    }

    [Fact]
    public async Task Deleting_a_conversation_with_a_reply_in_progress_stops_the_reply_first_and_leaves_nothing_behind()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("the start", 4, session: "busy"));
        using var call = await StartReplyHeldBySlowMemoryAsync("another message", "busy");
        var replying = call.ResponseStream.ToListAsync(10_000);

        await Conversations.DeleteConversationAsync(new DeleteConversationRequest { SessionId = "busy" });
        var ended = await Assert.ThrowsAsync<RpcException>(() => replying);

        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
        Assert.Empty((await Client.ListTurnsAsync(new ListTurnsRequest { SessionId = "busy" })).Turns);
        await AssertStatus(StatusCode.NotFound, "No conversation", Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "busy" }).ResponseAsync);
    }

    [Fact]
    public async Task Forgetting_everything_stops_the_reply_in_progress_first_then_empties_the_journal_memory_and_prompt_cache()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("the first chat", 4, session: "first"));
        await Client.ChatToEndAsync(ChatExtensions.Request("the second chat", 4, session: "second"));
        using var call = await StartReplyHeldBySlowMemoryAsync("still talking", "busy");
        var replying = call.ResponseStream.ToListAsync(10_000);

        var forgot = await Conversations.ForgetEverythingAsync(new ForgetEverythingRequest { Confirm = true });
        var ended = await Assert.ThrowsAsync<RpcException>(() => replying);

        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
        Assert.True(Assert.Single(_memory.Deletes).All);
        Assert.Equal((2u, 2ul), (forgot.ConversationsDeleted, forgot.MemoriesDeleted));
        Assert.True(forgot.TurnsDeleted >= 2);
        Assert.Empty((await Conversations.ListConversationsAsync(new ListConversationsRequest())).Conversations);
        Assert.Empty((await Client.ListTurnsAsync(new ListTurnsRequest())).Turns);
        // Nor does the prompt cache still hold the forgotten chats: the same words start from nothing.
        var again = (await Client.ChatToEndAsync(ChatExtensions.Request("the first chat", 4, session: "again")))[^1].Stats;
        Assert.Equal(0u, again.CachedPromptTokens);
    }

    [Fact]
    public async Task Forgetting_everything_without_confirming_or_while_memory_is_down_deletes_nothing()
    {
        await Client.ChatToEndAsync(ChatExtensions.Request("keep me", 4, session: "kept"));

        await AssertStatus(StatusCode.InvalidArgument, "confirm must be true",
            Conversations.ForgetEverythingAsync(new ForgetEverythingRequest()).ResponseAsync);
        _memory.DeletesUnavailable = true;
        await AssertStatus(StatusCode.Unavailable, "nothing was deleted",
            Conversations.ForgetEverythingAsync(new ForgetEverythingRequest { Confirm = true }).ResponseAsync);

        Assert.Single((await Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "kept" })).Turns);
        Assert.Empty(_memory.Deletes);
    }

    /// <summary>
    /// Starts a turn that waits on a slow memory search and returns once it searched, so a delete surely meets it in
    /// progress.
    /// </summary>
    private async Task<AsyncServerStreamingCall<ChatResponse>> StartReplyHeldBySlowMemoryAsync(string message, string session)
    {
        _memory.SearchDelay = TimeSpan.FromSeconds(50);
        var searchesBefore = _memory.Searches.Count;
        var call = Client.Chat(ChatExtensions.Request(message, 8, session: session), deadline: DateTime.UtcNow.AddMinutes(2));
        Assert.True(await Waits.UntilAsync(() => _memory.Searches.Count > searchesBefore, seconds: 40), "The turn never searched memory.");
        return call;
    }

    private async Task<List<(string Role, string Content)>> TrainingExampleAsync(string turnId)
    {
        using var export = _app.Tuning.ExportDataset(new ExportDatasetRequest(), deadline: DateTime.UtcNow.AddMinutes(1));
        var lines = await export.ResponseStream.ToListAsync(1000);
        var line = lines.Single(l => l.TurnId == turnId);
        using var document = JsonDocument.Parse(line.JsonlLine);
        return [.. document.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))];
    }

    private static async Task AssertStatus<T>(StatusCode code, string detail, Task<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(code, error.StatusCode);
        Assert.Contains(detail, error.Status.Detail);
    }
}
