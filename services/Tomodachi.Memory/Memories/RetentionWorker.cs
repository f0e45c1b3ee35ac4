using Microsoft.Extensions.Options;
using Tomodachi.Memory.Extensions;

namespace Tomodachi.Memory.Memories;

/// <summary>Runs <see cref="RetentionSweeper"/> at start-up and then every sweep interval, when a limit is set.</summary>
public sealed class RetentionWorker(
    RetentionSweeper retention, IOptions<MemoryRetentionOptions> options, TimeProvider time, ILogger<RetentionWorker> logger)
    : PeriodicWork(time, options.Value.Enabled ? TimeSpan.FromMinutes(options.Value.SweepIntervalMinutes) : null, logger)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => retention.SweepAsync(cancellationToken);
}
