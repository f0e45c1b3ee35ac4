using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Web.Alerts;
using Tomodachi.Web.Feeds;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Alerts;

/// <summary>The monitor evaluates the rules over the turns the real turn feed delivers, on its own clock.</summary>
public sealed class AlertMonitorTests
{
    [Fact]
    public async Task Slow_turns_from_the_journal_and_the_watch_fire_the_latency_alert_after_a_minute_of_evaluations()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var inference = new ScriptedInferenceService();
        // Listed before the monitor starts: it must still count it.
        inference.Journal.Add(new Turn { Stats = Slow("listed", time.GetUtcNow()) });
        await using var host = await GrpcTestHost.StartAsync(inference);
        using var channel = GrpcChannel.ForAddress(host.Address);
        using var closed = GrpcChannel.ForAddress("http://127.0.0.1:9");
        var options = Options.Create(new FeedOptions());
        using var turns = new TurnFeed(new InferenceService.InferenceServiceClient(channel), time, options, NullLogger<TurnFeed>.Instance);
        using var status = new InferenceStatusFeed(new InferenceService.InferenceServiceClient(closed), time, options, NullLogger<InferenceStatusFeed>.Instance);
        using var memory = new MemoryStatsFeed(new MemoryService.MemoryServiceClient(closed), time, options, NullLogger<MemoryStatsFeed>.Instance);
        var thresholds = Options.Create(new AlertThresholdOptions());
        using var restarts = new RestartsFeed(new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>(),
            Options.Create(new RestartsFeedOptions()), time);
        using var monitor = new AlertMonitor(new AlertEvaluator(thresholds), turns, status, memory, restarts, time, thresholds);
        var changes = 0;
        monitor.Changed += () => Interlocked.Increment(ref changes);

        await turns.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => turns.Recent.Count == 1, "the listed turn");
        await monitor.StartAsync(CancellationToken.None);
        inference.FinishedTurns.Writer.TryWrite(new Turn { Stats = Slow("watched", time.GetUtcNow()) });
        await Eventually.TrueAsync(() => turns.Recent.Count == 2, "the watched turn");
        for (var step = 0; step < 11; step++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
        }

        var pendingOnly = monitor.Firing.Count;
        time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => monitor.Firing.Count == 1, "the latency alert after a minute");
        await monitor.StopAsync(CancellationToken.None);
        await turns.StopAsync(CancellationToken.None);

        Assert.Equal(0, pendingOnly);
        var alert = Assert.Single(monitor.Firing);
        Assert.Equal("TomodachiSlowReplies", alert.Name);
        Assert.Contains("7.00 s on average", alert.Message);
        Assert.Equal(1, changes);
    }

    private static TurnStats Slow(string id, DateTimeOffset finishedAt)
    {
        var turn = TestData.Turn(id, latencyMs: 7000);
        turn.FinishedAt = Timestamp.FromDateTimeOffset(finishedAt);
        return turn;
    }
}
