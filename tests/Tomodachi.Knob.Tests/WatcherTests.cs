using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tomodachi.Knob.Events;
using Tomodachi.Knob.V1;
using Tomodachi.Testing;

namespace Tomodachi.Knob.Tests;

/// <summary>Many watchers at once, slow ones, and ones that come back.</summary>
public sealed class WatcherTests
{
    private static readonly SimulateRequest Click = new() { Action = SimulateAction.Click };

    [Fact]
    public async Task Every_watcher_receives_every_event_in_the_same_order()
    {
        await using var knob = KnobHost.Start();
        var watches = new[] { await knob.WatchAsync(), await knob.WatchAsync(), await knob.WatchAsync() };

        await knob.Client.SimulateAsync(Click);
        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = -1 });

        var seen = await Task.WhenAll(watches.Select(w => w.ReadAsync(3)));
        foreach (var events in seen)
        {
            Assert.Equal([KnobEventType.Pressed, KnobEventType.Released, KnobEventType.Rotated], events.Types());
            Assert.Equal(seen[0].Select(e => e.Event.Sequence), events.Select(e => e.Event.Sequence));
            Assert.All(events, e => Assert.Equal(0ul, e.DroppedBefore));
        }

        foreach (var watch in watches)
        {
            watch.Dispose();
        }
    }

    [Fact]
    public async Task A_watcher_that_does_not_read_loses_its_oldest_events_counted_while_others_get_all()
    {
        await using var knob = KnobHost.Start(new Dictionary<string, string?> { ["Knob:WatcherBufferSize"] = "4" });
        var hub = knob.Services.GetRequiredService<KnobEventHub>();
        using var slow = hub.Subscribe();
        using var fast = await knob.WatchAsync();
        var fastReads = fast.ReadAsync(10);

        for (var click = 0; click < 5; click++)
        {
            await knob.Client.SimulateAsync(Click);
        }

        var fastEvents = await fastReads;
        var slowEvents = await ReadAsync(slow, 4);

        Assert.All(fastEvents, e => Assert.Equal(0ul, e.DroppedBefore));
        Assert.Equal(fastEvents.Select(e => e.Event.Sequence).Skip(6), slowEvents.Select(e => e.Event.Sequence));
        Assert.Equal([6ul, 0ul, 0ul, 0ul], slowEvents.Select(e => e.DroppedBefore));
    }

    [Fact]
    public async Task A_new_watcher_after_a_cancelled_one_receives_the_events_that_follow()
    {
        await using var knob = KnobHost.Start();
        using var cancel = new CancellationTokenSource();
        var first = await knob.WatchAsync(cancel.Token);
        await knob.Client.SimulateAsync(Click);
        var before = await first.ReadAsync(2);
        cancel.Cancel();
        var ended = await Assert.ThrowsAsync<RpcException>(() => first.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
        first.Dispose();

        using var second = await knob.WatchAsync();
        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = 2 });

        var after = await second.ReadAsync(2);
        Assert.Equal([KnobEventType.Rotated, KnobEventType.Rotated], after.Types());
        Assert.Equal(before[1].Event.Sequence + 1, after[0].Event.Sequence);
        Assert.All(after, e => Assert.Equal(0ul, e.DroppedBefore));
    }

    private static async Task<List<WatchedKnobEvent>> ReadAsync(KnobWatcher watcher, int count)
    {
        using var timeout = new CancellationTokenSource(KnobHost.Patience);
        var read = new List<WatchedKnobEvent>();
        await foreach (var watched in watcher.ReadAllAsync(timeout.Token))
        {
            read.Add(watched);
            if (read.Count == count)
            {
                break;
            }
        }

        return read;
    }

    [Fact]
    public async Task A_watch_ends_with_Unavailable_when_the_service_shuts_down()
    {
        await using var knob = KnobHost.Start();
        await using var onKestrel = knob.StartOnKestrel();
        using var timeout = new CancellationTokenSource(KnobHost.Patience);
        using var watch = new KnobService.KnobServiceClient(onKestrel.Channel).WatchEvents(new WatchEventsRequest(), cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        onKestrel.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var error = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("shutting down", error.Status.Detail);
    }
}
