using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>
/// Samples this process's RSS every <see cref="TuningOptions.RssSampleInterval"/> into the RSS history. The history
/// lives in the journal file, so it is resolved at the first sample rather than injected: a journal that cannot be
/// opened must leave the service running with an unhealthy journal check, not stop the host at start-up.
/// </summary>
public sealed class RssSampler(IServiceProvider services, TimeProvider time, IOptions<TuningOptions> options, ILogger<RssSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        // Created before the first sample, so the ticks keep a fixed cadence from start-up however long a write takes.
        using var timer = new PeriodicTimer(options.Value.RssSampleInterval, time);
        IRssHistory? history = null;
        do
        {
            try
            {
                // Retried each tick until the journal opens; the journal health check reports why it does not.
                history ??= services.GetRequiredService<IRssHistory>();
                await history.AddAsync(new RssSample(time.GetUtcNow(), runId, ReadRss()), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
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
