using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tomodachi.ServiceDefaults.Probes;

/// <summary>
/// /health as a user and an orchestrator need it: the process's own checks decide Healthy, Degraded or Unhealthy
/// (503); a dependency that is down (a check tagged <see cref="Microsoft.Extensions.Hosting.Extensions.RemoteTag"/>)
/// makes it Degraded — still 200, since restarting this process would not bring the dependency back — and the body
/// names each one: <c>Degraded: memory (backend unreachable: Unavailable)</c>.
/// </summary>
public static class DependencyAwareHealth
{
    public static HealthStatus StatusOf(HealthReport report, out IReadOnlyList<string> dependenciesDown)
    {
        var own = report.Entries.Where(e => !IsRemote(e.Value)).Select(e => e.Value.Status).DefaultIfEmpty(HealthStatus.Healthy).Min();
        dependenciesDown = [.. report.Entries.Where(e => IsRemote(e.Value) && e.Value.Status != HealthStatus.Healthy)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => string.IsNullOrEmpty(e.Value.Description) ? e.Key : $"{e.Key} ({e.Value.Description})")];
        return own == HealthStatus.Unhealthy ? HealthStatus.Unhealthy
            : dependenciesDown.Count > 0 ? HealthStatus.Degraded
            : own;
    }

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var status = StatusOf(report, out var down);
        context.Response.StatusCode = status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(down.Count == 0 ? status.ToString() : $"{status}: {string.Join(", ", down)}");
    }

    private static bool IsRemote(HealthReportEntry entry) => entry.Tags.Contains(Microsoft.Extensions.Hosting.Extensions.RemoteTag);
}
