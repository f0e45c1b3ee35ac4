using System.Threading.Channels;
using Tomodachi.Knob.Gpio;
using Tomodachi.Knob.Telemetry;
using Microsoft.Extensions.Options;

namespace Tomodachi.Knob.Events;

/// <summary>
/// Numbers the knob's events and hands each to every watcher. Each watcher has its own bounded buffer that drops its
/// oldest event when full, so publishing never waits for a reader: a stalled watcher loses events, nobody else does.
/// </summary>
public sealed class KnobEventHub(IOptions<KnobOptions> options, KnobMetrics metrics)
{
    private readonly Lock _gate = new();
    private readonly List<Channel<KnobEvent>> _watchers = [];
    private ulong _sequence;
    private KnobEvent? _last;

    /// <summary>The most recent event, or null before the first.</summary>
    public KnobEvent? LastEvent
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>
    /// Numbers and delivers an event. Numbering and delivery happen under one lock, so every watcher sees events in
    /// sequence order and a gap in the numbers is exactly what its buffer dropped.
    /// </summary>
    public KnobEvent Publish(KnobEventKind kind, int delta, long position, DateTimeOffset occurredAt)
    {
        lock (_gate)
        {
            var knobEvent = new KnobEvent(++_sequence, kind, delta, position, occurredAt);
            _last = knobEvent;
            foreach (var watcher in _watchers)
            {
                // A bounded channel in DropOldest mode always accepts the write.
                watcher.Writer.TryWrite(knobEvent);
            }

            return knobEvent;
        }
    }

    /// <summary>
    /// Starts a watcher that receives every event published from now on; dispose it to stop. Subscribing is done
    /// when this returns, so an action taken afterwards is guaranteed to be seen.
    /// </summary>
    public KnobWatcher Subscribe()
    {
        var channel = Channel.CreateBounded<KnobEvent>(
            new BoundedChannelOptions(options.Value.WatcherBufferSize)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            _ => metrics.EventDropped());

        lock (_gate)
        {
            _watchers.Add(channel);
            metrics.WatcherStarted();
            return new KnobWatcher(channel.Reader, _sequence, () => Unsubscribe(channel));
        }
    }

    private void Unsubscribe(Channel<KnobEvent> channel)
    {
        lock (_gate)
        {
            if (_watchers.Remove(channel))
            {
                channel.Writer.TryComplete();
                metrics.WatcherStopped();
            }
        }
    }
}
