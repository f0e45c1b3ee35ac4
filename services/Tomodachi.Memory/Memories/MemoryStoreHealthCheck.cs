using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tomodachi.Memory.Memories;

/// <summary>
/// Ready once the store is loaded; degraded (still serving reads) while the store refuses work, e.g. after an
/// embedder change, so dashboards show the problem without the orchestrator restarting the service.
/// </summary>
public sealed class MemoryStoreHealthCheck(MemoryBank bank) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stats = await bank.GetStatsAsync(cancellationToken);
        return stats.Problem is null
            ? HealthCheckResult.Healthy($"{stats.Figures.Count} memories in the {stats.Backend} store.")
            : HealthCheckResult.Degraded(stats.Problem);
    }
}
