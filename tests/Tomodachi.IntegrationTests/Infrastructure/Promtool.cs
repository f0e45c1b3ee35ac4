using System.Diagnostics;
using Tomodachi.Testing;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>Runs Prometheus's own linter on scraped text, so "valid exposition format" means what Prometheus means.</summary>
public static class Promtool
{
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, stderr) = await ExternalProcess.RunAsync(
            new ProcessStartInfo(RequiredTools.Promtool, ["check", "metrics"]), exposition, cancellationToken);
        return (exitCode, stdout + stderr);
    }
}
