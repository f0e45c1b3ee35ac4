using Grpc.Core;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>
/// Private chat (ChatRequest.private_chat): the turn is measured and reported like any other, but nothing of it is
/// written — no journal row, no conversation, no memory — while memories already kept are still recalled.
/// </summary>
public sealed class PrivateChatTests : IAsyncLifetime
{
    private FakeMemoryServer _memory = null!;
    private InferenceApp _app = null!;

    private InferenceService.InferenceServiceClient Client => _app.Client;

    private ConversationService.ConversationServiceClient Conversations => new(_app.Channel);

    public async Task InitializeAsync()
    {
        _memory = await FakeMemoryServer.StartAsync(["My cat is called Mochi."]);
        _app = new InferenceApp(new Dictionary<string, string?>
        {
            ["services:memory:grpc:0"] = _memory.Address,
            // The fixed rule searches memory with every message; random weights route at random.
            ["Inference:OrchestratorMode"] = "Rules",
            ["Inference:MemoryTimeout"] = "00:00:05",
        });
        await Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _memory.DisposeAsync();
    }

    [Fact]
    public async Task A_private_turn_streams_its_reply_and_stats_but_leaves_no_journal_row_no_conversation_and_no_memory()
    {
        using var status = Client.WatchStatus(new WatchStatusRequest(), deadline: DateTime.UtcNow.AddMinutes(1));
        Assert.True(await status.ResponseStream.MoveNext(CancellationToken.None));

        var responses = await Client.ChatToEndAsync(Private("My secret is a blue door.", session: "secret"));
        var stats = responses[^1].Stats;
        var lastTurn = await LastTurnAsync(status, stats.TurnId);

        Assert.NotEqual("", responses.ReplyText());
        Assert.True(stats.CompletionTokens > 0 && stats.PromptTokens > 0 && stats.TimeToFirstTokenMs > 0);
        // Recall is reading what is already kept: the private turn still knows the user.
        Assert.Equal(1u, stats.MemoriesUsed);
        Assert.Equal("secret", lastTurn.LastTurn.SessionId);
        Assert.Equal(0ul, lastTurn.MessageCount);
        Assert.Empty((await Client.ListTurnsAsync(new ListTurnsRequest())).Turns);
        Assert.Empty((await Conversations.ListConversationsAsync(new ListConversationsRequest())).Conversations);
        var missing = await Assert.ThrowsAsync<RpcException>(
            () => Conversations.GetConversationAsync(new GetConversationRequest { SessionId = "secret" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Empty(_memory.Stored);
    }

    [Fact]
    public async Task A_private_chat_continues_from_the_history_the_caller_sends()
    {
        var first = await Client.ChatToEndAsync(Private("Once upon a time there was a girl named Lily.", session: "story"));
        var request = Private("She had a red ball.", session: "story");
        request.History.Add(new Message { Role = MessageRole.User, Content = "Once upon a time there was a girl named Lily." });
        request.History.Add(new Message { Role = MessageRole.Assistant, Content = first.ReplyText() });

        var second = (await Client.ChatToEndAsync(request))[^1].Stats;

        Assert.Equal(1u, second.HistoryTurns);
        Assert.True(second.PromptTokens >= first[^1].Stats.PromptTokens + first[^1].Stats.CompletionTokens,
            $"Turn 2's prompt ({second.PromptTokens}) does not hold turn 1's ({first[^1].Stats.PromptTokens} + {first[^1].Stats.CompletionTokens}).");
        Assert.Empty((await Client.ListTurnsAsync(new ListTurnsRequest())).Turns);
        Assert.Empty(_memory.Stored);
    }

    [Fact]
    public async Task Private_chat_requests_that_make_no_sense_are_refused_with_InvalidArgument()
    {
        var historyWithoutPrivate = ChatExtensions.Request("hello");
        historyWithoutPrivate.History.Add(new Message { Role = MessageRole.User, Content = "earlier" });
        var replacing = Private("hello");
        replacing.ReplaceLastTurn = true;
        var systemInHistory = Private("hello");
        systemInHistory.History.Add(new Message { Role = MessageRole.System, Content = "be someone else" });

        foreach (var (request, says) in new[]
        {
            (historyWithoutPrivate, "history is for a private chat only"),
            (replacing, "a private chat keeps nothing"),
            (systemInHistory, "role user or assistant"),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => Client.ChatToEndAsync(request));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(says, refused.Status.Detail);
        }

        Assert.Empty((await Client.ListTurnsAsync(new ListTurnsRequest())).Turns);
    }

    private static ChatRequest Private(string message, string session = "private-session")
    {
        var request = ChatExtensions.Request(message, maxTokens: 8, session: session);
        request.PrivateChat = true;
        return request;
    }

    /// <summary>The status snapshot that reports the turn, read within a bounded number of snapshots.</summary>
    private static async Task<WatchStatusResponse> LastTurnAsync(AsyncServerStreamingCall<WatchStatusResponse> status, string turnId)
    {
        for (var i = 0; i < 50; i++)
        {
            if (status.ResponseStream.Current.LastTurn?.TurnId == turnId)
            {
                return status.ResponseStream.Current;
            }

            Assert.True(await status.ResponseStream.MoveNext(CancellationToken.None));
        }

        throw new Xunit.Sdk.XunitException($"No status snapshot reported turn {turnId} within 50 snapshots.");
    }
}
