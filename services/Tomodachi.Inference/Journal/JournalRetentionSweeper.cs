using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Conversations;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// Applies <see cref="JournalRetentionOptions"/> in the background: a sweep at start-up, then one every
/// <see cref="JournalRetentionOptions.SweepInterval"/> on the <see cref="TimeProvider"/>'s clock. A conversation with a
/// reply in progress is left for the next sweep. Does nothing when no limit is set.
/// </summary>
/// <param name="journal">
/// Resolved at the first sweep, not at start-up: a journal that cannot be opened must leave the service running with
/// an unhealthy /health (and this sweep's error in the status), not stop it from starting.
/// </param>
public sealed class JournalRetentionSweeper(
    Func<IJournalRetention> journal,
    ActiveReplies replies,
    JournalRetentionStatus status,
    IOptions<JournalRetentionOptions> options,
    TimeProvider time,
    ILogger<JournalRetentionSweeper> logger)
    : PeriodicWork(time, options.Value.Enabled ? options.Value.SweepInterval : null, logger)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>One sweep now; its outcome goes to <see cref="JournalRetentionStatus"/> and the log.</summary>
    public async Task<JournalSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = Time.GetUtcNow();
        JournalSweep sweep;
        try
        {
            var result = await journal().DeleteExpiredAsync(
                settings.MaxAgeDays > 0 ? now.AddDays(-settings.MaxAgeDays) : null,
                settings.MaxTurns > 0 ? settings.MaxTurns : null,
                replies.IsReplying,
                cancellationToken);
            sweep = new JournalSweep(now, result.DeletedConversations, result.DeletedTurns, Error: null);
            if (result.DeletedTurns > 0)
            {
                logger.LogInformation("Journal retention deleted {Conversations} conversations ({Turns} turns)", result.DeletedConversations, result.DeletedTurns);
            }
        }
        catch (Exception exception) when (exception is SqliteException or IOException or InvalidOperationException)
        {
            // The next sweep tries again; the status panel shows why this one failed.
            logger.LogError(exception, "Journal retention sweep failed");
            sweep = new JournalSweep(now, 0, 0, exception.Message);
        }

        status.Record(sweep);
        return sweep;
    }
}
