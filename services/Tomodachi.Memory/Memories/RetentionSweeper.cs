using Microsoft.Extensions.Options;
using Tomodachi.Memory.Extensions;

namespace Tomodachi.Memory.Memories;

/// <summary>What the last retention sweep did: when, how many memories it removed, and why it failed (or null).</summary>
public sealed record RetentionSweep(DateTimeOffset At, long Deleted, string? Problem);

/// <summary>
/// Applies <see cref="MemoryRetentionOptions"/>: removes the unpinned memories older than the age limit and those
/// beyond the count limit, and remembers the last sweep for the stats.
/// </summary>
public sealed partial class RetentionSweeper(
    MemoryBank bank, IOptions<MemoryRetentionOptions> options, TimeProvider time, ILogger<RetentionSweeper> logger)
{
    private volatile RetentionSweep? last;

    public MemoryRetentionOptions Settings => options.Value;

    /// <summary>The last sweep, or null before the first.</summary>
    public RetentionSweep? LastSweep => last;

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        try
        {
            var deleted = await bank.DeleteExpiredAsync(
                settings.MaxAgeDays > 0 ? now.AddDays(-settings.MaxAgeDays) : null,
                settings.MaxCount > 0 ? settings.MaxCount : null,
                cancellationToken);
            last = new RetentionSweep(now, deleted, null);
            LogSwept(deleted, settings.MaxAgeDays, settings.MaxCount);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store may be unreachable now and fine at the next sweep; the stats say why meanwhile.
            last = new RetentionSweep(now, 0, $"The retention sweep failed: {e.Message}");
            LogSweepFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {Deleted} memories (max age {MaxAgeDays} days, max count {MaxCount}; 0 is no limit)")]
    private partial void LogSwept(long deleted, int maxAgeDays, int maxCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The memory retention sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
