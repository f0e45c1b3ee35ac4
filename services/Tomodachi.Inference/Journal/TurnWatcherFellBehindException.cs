namespace Tomodachi.Inference.Journal;

/// <summary>
/// Ends a turn watch whose reader did not keep up: rather than blocking the journal or silently skipping
/// turns, the watcher is told it has a gap and can fill it with <see cref="ITurnJournal.ListAsync"/>.
/// </summary>
public sealed class TurnWatcherFellBehindException(int bufferSize)
    : Exception($"The watcher fell more than {bufferSize} turns behind and was stopped; list the turns to catch up, then watch again.");
