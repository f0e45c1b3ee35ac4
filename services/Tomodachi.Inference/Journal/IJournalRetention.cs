namespace Tomodachi.Inference.Journal;

/// <summary>What one retention sweep deleted.</summary>
public sealed record JournalSweepResult(int DeletedConversations, int DeletedTurns);

/// <summary>The journal's side of retention: deleting whole conversations that are too old or beyond the turn limit.</summary>
public interface IJournalRetention
{
    /// <summary>
    /// Deletes, in one transaction, every conversation (the turns of one session id, listed or not) whose last turn
    /// started before <paramref name="lastActiveBefore"/>, then, while more than <paramref name="maxTurns"/> turns remain,
    /// the least recently active conversations but the newest one; sessions <paramref name="isBusy"/> names are left
    /// alone. The freed pages are zeroed (<c>secure_delete</c>) and the write-ahead log emptied, as for a delete.
    /// </summary>
    /// <param name="lastActiveBefore">Null: no age limit.</param>
    /// <param name="maxTurns">Null: no count limit.</param>
    Task<JournalSweepResult> DeleteExpiredAsync(DateTimeOffset? lastActiveBefore, int? maxTurns, Func<string, bool> isBusy, CancellationToken ct);
}
