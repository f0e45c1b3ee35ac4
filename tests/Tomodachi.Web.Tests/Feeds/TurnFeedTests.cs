using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Feeds;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Feeds;

public sealed class TurnFeedTests
{
    [Fact]
    public async Task Journal_page_comes_oldest_first_then_watched_turns_without_duplicates_within_the_bound()
    {
        var inference = new ScriptedInferenceService();
        inference.Journal.AddRange([Turn("t3"), Turn("t2"), Turn("t1")]);
        await using var host = await GrpcTestHost.StartAsync(inference);
        using var channel = GrpcChannel.ForAddress(host.Address);
        using var feed = new TurnFeed(new InferenceService.InferenceServiceClient(channel), TimeProvider.System,
            Options.Create(new FeedOptions { TurnHistory = 3 }), NullLogger<TurnFeed>.Instance);

        await feed.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => feed.Recent.Count == 3, "the journal page");
        Assert.Equal(["t1", "t2", "t3"], feed.Recent.Select(t => t.TurnId));

        // The listed t3 arrives again from the watch (it finished between subscribe and list), then a new turn.
        inference.FinishedTurns.Writer.TryWrite(Turn("t3"));
        inference.FinishedTurns.Writer.TryWrite(Turn("t4"));
        await Eventually.TrueAsync(() => feed.Recent.LastOrDefault()?.TurnId == "t4", "the watched turn");
        await feed.StopAsync(CancellationToken.None);

        Assert.Equal(["t2", "t3", "t4"], feed.Recent.Select(t => t.TurnId));
    }

    private static Turn Turn(string id) => new() { Stats = TestData.Turn(id) };
}
