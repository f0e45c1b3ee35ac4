namespace Tomodachi.Inference.Tuning;

/// <summary>
/// Takes one sample at start-up and then one per interval of the <see cref="TimeProvider"/>'s clock, for the
/// history the findings read. A failed sample only thins the history: it is logged and the next tick tries again.
/// </summary>
public abstract class PeriodicSampler(TimeProvider time, TimeSpan interval, ILogger logger) : BackgroundService
{
    protected TimeProvider Time => time;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Created before the first sample, so the ticks keep a fixed cadence from start-up however long a write takes.
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not record a sample for {Sampler}", GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Takes and stores one sample.</summary>
    protected abstract Task SampleAsync(CancellationToken ct);
}
