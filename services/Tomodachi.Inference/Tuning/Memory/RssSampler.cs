using Microsoft.Extensions.Options;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>
/// Keeps this process's RSS every <see cref="TuningOptions.RssSampleInterval"/> in the RSS history, read through
/// <see cref="ProcessMemorySampler"/>, so the sample kept is also the one /metrics and the Status panel show. The history
/// lives in the journal file, so it is resolved at the first sample rather than injected: a journal that cannot be
/// opened must leave the service running with an unhealthy journal check, not stop the host at start-up.
/// </summary>
public sealed class RssSampler(
    IServiceProvider services, ProcessMemorySampler memory, TimeProvider time, IOptions<TuningOptions> options, ILogger<RssSampler> logger)
    : PeriodicWork(time, options.Value.RssSampleInterval, logger)
{
    private readonly string runId = Guid.NewGuid().ToString("N");
    private IRssHistory? history;

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        // Retried each tick until the journal opens; the journal health check reports why it does not.
        history ??= services.GetRequiredService<IRssHistory>();
        var sample = memory.SampleNow();
        await history.AddAsync(new RssSample(sample.SampledAt, runId, (long)sample.RssBytes), ct);
    }
}
