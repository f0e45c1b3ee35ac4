using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Memory.V1;

namespace Tomodachi.IntegrationTests;

/// <summary>A conversation through the gateway's gRPC port, against the real inference and memory services.</summary>
[Collection(SuiteCollection.Name)]
public sealed class ConversationTests(SuiteFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task The_second_turn_carries_the_first_and_takes_its_prefix_from_the_cache_then_the_conversation_can_be_deleted()
    {
        using var channel = suite.CreateGatewayChannel();
        var inference = new InferenceService.InferenceServiceClient(channel);
        var conversations = new ConversationService.ConversationServiceClient(channel);
        var memory = new MemoryService.MemoryServiceClient(channel);
        var session = $"it-{Guid.NewGuid():N}";
        await inference.WaitForModelLoadedAsync(Timeout);

        var first = await ChatAsync(inference, session, "Once upon a time there was a girl named Lily.");
        var second = await ChatAsync(inference, session, "She had a red ball.");

        Assert.True(second.PromptTokens >= first.PromptTokens + first.CompletionTokens,
            $"Turn 2's prompt ({second.PromptTokens}) does not hold turn 1's prompt ({first.PromptTokens}) and reply ({first.CompletionTokens}).");
        Assert.True(second.CachedPromptTokens > 0, "Turn 2 evaluated its whole prompt again.");
        Assert.Equal(1u, second.HistoryTurns);

        var listed = await conversations.ListConversationsAsync(new ListConversationsRequest(), cancellationToken: Timeout);
        var conversation = Assert.Single(listed.Conversations, c => c.SessionId == session);
        Assert.Equal(("Once upon a time there was a girl named Lily.", 2u), (conversation.Title, conversation.TurnCount));
        var stored = await memory.SearchAsync(new SearchRequest { Query = "Lily", K = 10, Filter = new SearchFilter { SessionId = session } },
            cancellationToken: Timeout);
        Assert.NotEmpty(stored.Hits);

        var deleted = await conversations.DeleteConversationAsync(new DeleteConversationRequest { SessionId = session }, cancellationToken: Timeout);

        Assert.Equal(2u, deleted.TurnsDeleted);
        Assert.Equal((ulong)stored.Hits.Count, deleted.MemoriesDeleted);
        var gone = await Assert.ThrowsAsync<RpcException>(() =>
            conversations.GetConversationAsync(new GetConversationRequest { SessionId = session }, cancellationToken: Timeout).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        var left = await memory.SearchAsync(new SearchRequest { Query = "Lily", K = 10, Filter = new SearchFilter { SessionId = session } },
            cancellationToken: Timeout);
        Assert.Empty(left.Hits);
    }

    private static async Task<TurnStats> ChatAsync(InferenceService.InferenceServiceClient inference, string session, string message)
    {
        using var call = inference.Chat(new ChatRequest { SessionId = session, Message = message, MaxTokens = 16 }, cancellationToken: Timeout);
        TurnStats? stats = null;
        while (await call.ResponseStream.MoveNext(Timeout))
        {
            stats = call.ResponseStream.Current.Stats ?? stats;
        }

        return stats ?? throw new InvalidOperationException("The chat ended without stats.");
    }
}
