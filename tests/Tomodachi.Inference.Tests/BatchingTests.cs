using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Chats running at the same time share the model's decode steps (continuous batching).</summary>
public sealed class BatchingTests() : TinyModelTests(new Dictionary<string, string?>
{
    ["Inference:OrchestratorMode"] = "Rules",
    ["Inference:ContextSize"] = "1024", // the tiny model's own context: room for a long reply
})
{
    private const uint LongReplyTokens = 600;

    private static ChatRequest Greedy(string session, uint maxTokens) => new()
    {
        SessionId = session,
        Message = "Tell me a story.",
        MaxTokens = maxTokens,
        Sampling = new Sampling { Temperature = 0 },
    };

    [Fact]
    public async Task A_chat_that_starts_while_another_generates_joins_its_decode_steps()
    {
        using var longChat = App.Client.Chat(Greedy("long", LongReplyTokens), deadline: DateTime.UtcNow.AddMinutes(2));
        // Its first delta means it is generating now; the short chat arrives while it has most of its tokens to go.
        Assert.True(await longChat.ResponseStream.MoveNext(CancellationToken.None));

        var shortChat = await App.Client.ChatToEndAsync(Greedy("short", 8));
        var longResponses = new List<ChatResponse> { longChat.ResponseStream.Current };
        while (longResponses.Count < 10_000 && await longChat.ResponseStream.MoveNext(CancellationToken.None))
        {
            longResponses.Add(longChat.ResponseStream.Current);
        }

        var longStats = longResponses[^1].Stats;
        Assert.Equal(LongReplyTokens, longStats.CompletionTokens);
        Assert.True(longStats.FinishedAt > shortChat[^1].Stats.FinishedAt, "the long reply was still running when the short one ended");
        Assert.Equal(2u, shortChat[^1].Stats.PeakBatchSequences);
        Assert.Equal(2u, longStats.PeakBatchSequences);
    }

    [Fact]
    public async Task A_chat_alone_decodes_alone_and_the_journal_keeps_the_figure()
    {
        var stats = (await App.Client.ChatToEndAsync(Greedy("alone", 8)))[^1].Stats;
        var journaled = await App.Client.ListTurnsAsync(new ListTurnsRequest { SessionId = "alone" });

        Assert.Equal(1u, stats.PeakBatchSequences);
        Assert.Equal(1u, Assert.Single(journaled.Turns).Stats.PeakBatchSequences);
    }
}
