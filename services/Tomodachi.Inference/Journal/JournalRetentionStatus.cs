using Microsoft.Extensions.Options;

namespace Tomodachi.Inference.Journal;

/// <summary>One finished retention sweep: when, what it deleted, or why it failed.</summary>
public sealed record JournalSweep(DateTimeOffset At, int DeletedConversations, int DeletedTurns, string? Error);

/// <summary>
/// The journal's retention settings and its last sweep since start-up, for the status stream. Kept in memory only:
/// the settings come from configuration again at the next start, and the sweep runs again then.
/// </summary>
public sealed class JournalRetentionStatus(IOptions<JournalRetentionOptions> options)
{
    private JournalSweep? _lastSweep;

    public JournalRetentionOptions Options => options.Value;

    public JournalSweep? LastSweep => Volatile.Read(ref _lastSweep);

    /// <summary>Raised after every sweep, so the status stream shows it at once.</summary>
    public event Action? Swept;

    public void Record(JournalSweep sweep)
    {
        Volatile.Write(ref _lastSweep, sweep);
        Swept?.Invoke();
    }
}
