using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>Samples this process's RSS every <see cref="TuningOptions.RssSampleInterval"/> into the RSS history.</summary>
public sealed class RssSampler(IRssHistory history, TimeProvider time, IOptions<TuningOptions> options, ILogger<RssSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        // Created before the first sample, so the ticks keep a fixed cadence from start-up however long a write takes.
        using var timer = new PeriodicTimer(options.Value.RssSampleInterval, time);
        do
        {
            try
            {
                await history.AddAsync(new RssSample(time.GetUtcNow(), runId, ReadRss()), stoppingToken);
            }
            catch (SqliteException e)
            {
                // A missed sample only thins the history; it must not stop the service.
                logger.LogWarning(e, "Could not record an RSS sample");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static long ReadRss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64; // /proc/self/stat's RSS on Linux
    }
}
