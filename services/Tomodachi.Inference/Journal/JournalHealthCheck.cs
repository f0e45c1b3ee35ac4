using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// Readiness: the journal file opens and answers a query. Resolving the journal lazily here means a journal that
/// cannot be opened (unwritable directory, not a database, newer schema) shows up on /health with its reason.
/// </summary>
public sealed class JournalHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var turns = await services.GetRequiredService<ITurnJournal>().CountAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{turns} turns journaled");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The turn journal cannot be used: {e.Message}", e);
        }
    }
}
