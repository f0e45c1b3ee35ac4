using Microsoft.Extensions.Options;
using Tomodachi.Inference.Monitoring;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>
/// Samples this process's RSS every <see cref="TuningOptions.RssSampleInterval"/> into the RSS history. The history
/// lives in the journal file, so it is resolved at the first sample rather than injected: a journal that cannot be
/// opened must leave the service running with an unhealthy journal check, not stop the host at start-up.
/// </summary>
public sealed class RssSampler(IServiceProvider services, TimeProvider time, IOptions<TuningOptions> options, ILogger<RssSampler> logger)
    : PeriodicSampler(time, options.Value.RssSampleInterval, logger)
{
    private readonly string runId = Guid.NewGuid().ToString("N");
    private IRssHistory? history;

    protected override async Task SampleAsync(CancellationToken ct)
    {
        // Retried each tick until the journal opens; the journal health check reports why it does not.
        history ??= services.GetRequiredService<IRssHistory>();
        await history.AddAsync(new RssSample(Time.GetUtcNow(), runId, (long)ProcessMemoryReader.Read().RssBytes), ct);
    }
}
