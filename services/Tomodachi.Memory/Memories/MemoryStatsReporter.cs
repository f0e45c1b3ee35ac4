using Tomodachi.Memory.Telemetry;

namespace Tomodachi.Memory.Memories;

/// <summary>
/// Opens the store and loads the embedder as the service starts (so the first request does not pay for loading them) and keeps the
/// metrics' gauges fresh: on every change and at least every <see cref="Interval"/>.
/// </summary>
public sealed class MemoryStatsReporter(
    MemoryBank bank,
    MemoryChangeFeed changes,
    TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.Subscribe();
        try
        {
            try
            {
                await bank.OpenAsync(stoppingToken);
            }
            catch (Exception e) when (e is MemoryStoreUnavailableException or MemoryStoreNotReadyException)
            {
                // Already logged; requests retry the open, and the stats carry the reason meanwhile.
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                var refreshed = time.GetUtcNow();
                // Reports to the metrics itself, and never fails for a broken store.
                await bank.GetStatsAsync(stoppingToken);

                await subscription.WaitAsync(refreshed, Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
