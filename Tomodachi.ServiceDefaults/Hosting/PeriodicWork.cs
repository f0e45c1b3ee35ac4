using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Background work done once at start-up and then once per interval of the <see cref="TimeProvider"/>'s clock
/// (samplers, retention sweeps). No interval means the work is switched off. A failed run is logged and the next
/// tick tries again, so one bad moment never stops the work for the life of the process.
/// </summary>
public abstract class PeriodicWork(TimeProvider time, TimeSpan? interval, ILogger logger) : BackgroundService
{
    protected TimeProvider Time => time;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (interval is not { } period)
        {
            return;
        }

        // Created before the first run, so the ticks keep their cadence from start-up however long a run takes.
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "{Work} failed; it runs again at the next interval", GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start runs the work first thing.
        }
    }

    /// <summary>One run of the work.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);
}
