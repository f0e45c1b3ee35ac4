using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Tomodachi.Knob.Events;

/// <summary>One watcher's view of the event stream; dispose to leave it.</summary>
public sealed class KnobWatcher(ChannelReader<KnobEvent> reader, ulong sequenceAtStart, Action unsubscribe) : IDisposable
{
    private ulong _lastSeen = sequenceAtStart;

    /// <summary>
    /// The events in order. <see cref="WatchedKnobEvent.DroppedBefore"/> comes from the gap in sequence numbers: the hub
    /// numbers and delivers under one lock, so a gap is exactly what this watcher's full buffer dropped.
    /// </summary>
    public async IAsyncEnumerable<WatchedKnobEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var knobEvent in reader.ReadAllAsync(cancellationToken))
        {
            var dropped = knobEvent.Sequence - _lastSeen - 1;
            _lastSeen = knobEvent.Sequence;
            yield return new WatchedKnobEvent(knobEvent, dropped);
        }
    }

    public void Dispose() => unsubscribe();
}
