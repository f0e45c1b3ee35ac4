using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tomodachi.ServiceDefaults.Probes;

namespace Tomodachi.ServiceDefaults.Tests;

public sealed class DependencyAwareHealthTests
{
    private static HealthReportEntry Entry(HealthStatus status, string? description = null, bool remote = false) =>
        new(status, description, TimeSpan.Zero, null, null, remote ? [Microsoft.Extensions.Hosting.Extensions.RemoteTag] : []);

    private static HealthReport Report(params (string Name, HealthReportEntry Entry)[] entries) =>
        new(entries.ToDictionary(e => e.Name, e => e.Entry), TimeSpan.Zero);

    [Fact]
    public void Backends_down_make_it_Degraded_naming_each_in_order()
    {
        var status = DependencyAwareHealth.StatusOf(Report(
            ("self", Entry(HealthStatus.Healthy)),
            ("memory", Entry(HealthStatus.Unhealthy, "backend unreachable: Unavailable", remote: true)),
            ("knob", Entry(HealthStatus.Unhealthy, "backend unreachable: Unavailable", remote: true)),
            ("inference", Entry(HealthStatus.Healthy, remote: true))), out var down);

        Assert.Equal(HealthStatus.Degraded, status);
        Assert.Equal(["knob (backend unreachable: Unavailable)", "memory (backend unreachable: Unavailable)"], down);
    }

    [Fact]
    public void Its_own_check_failing_makes_it_Unhealthy_whatever_the_backends_say()
    {
        var status = DependencyAwareHealth.StatusOf(Report(
            ("self", Entry(HealthStatus.Unhealthy)),
            ("memory", Entry(HealthStatus.Healthy, remote: true))), out _);

        Assert.Equal(HealthStatus.Unhealthy, status);
    }

    [Fact]
    public void All_up_is_Healthy_and_its_own_degraded_check_stays_Degraded_without_names()
    {
        var healthy = DependencyAwareHealth.StatusOf(Report(("self", Entry(HealthStatus.Healthy)), ("memory", Entry(HealthStatus.Healthy, remote: true))), out var none);
        var degraded = DependencyAwareHealth.StatusOf(Report(("embedder", Entry(HealthStatus.Degraded))), out var stillNone);

        Assert.Equal(HealthStatus.Healthy, healthy);
        Assert.Empty(none);
        Assert.Equal(HealthStatus.Degraded, degraded);
        Assert.Empty(stillNone);
    }
}
