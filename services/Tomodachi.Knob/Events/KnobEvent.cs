namespace Tomodachi.Knob.Events;

/// <summary>
/// One thing the knob did. <paramref name="Sequence"/> counts from 1 since the service started, with no gaps, so a
/// watcher can tell exactly how many events it missed.
/// </summary>
public sealed record KnobEvent(ulong Sequence, KnobEventKind Kind, int Delta, long Position, DateTimeOffset OccurredAt);

/// <summary>An event as one watcher receives it: with the number of older events its full buffer had to drop.</summary>
public readonly record struct WatchedKnobEvent(KnobEvent Event, ulong DroppedBefore);
