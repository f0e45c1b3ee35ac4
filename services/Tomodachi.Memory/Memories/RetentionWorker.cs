using Microsoft.Extensions.Options;
using Tomodachi.Memory.Extensions;

namespace Tomodachi.Memory.Memories;

/// <summary>Runs <see cref="RetentionSweeper"/> at start-up and then every sweep interval, when a limit is set.</summary>
public sealed class RetentionWorker(RetentionSweeper retention, IOptions<MemoryRetentionOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.SweepIntervalMinutes), time);
        try
        {
            do
            {
                await retention.SweepAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; the next start sweeps first thing.
        }
    }
}
