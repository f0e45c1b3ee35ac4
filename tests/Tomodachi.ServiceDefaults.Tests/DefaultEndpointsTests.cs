using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.ServiceDefaults.Tests;

public sealed class DefaultEndpointsTests : IAsyncLifetime
{
    private const string SourceName = "Tomodachi.ServiceDefaults.Tests";
    private readonly Meter meter = new(SourceName);
    private WebApplication? app;
    private HttpClient? client;

    private HttpClient Client => client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        builder.AddTomodachiTelemetrySource(SourceName);
        builder.Services.AddHealthChecks()
            .AddCheck("backend", () => HealthCheckResult.Unhealthy("down"), [Microsoft.Extensions.Hosting.Extensions.RemoteTag]);
        app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        client = app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
        meter.Dispose();
    }

    [Fact]
    public async Task Health_is_served_outside_development_and_a_remote_check_down_makes_it_Degraded_naming_it_not_Unhealthy()
    {
        var health = await Client.GetAsync("/health");
        var alive = await Client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded: backend (down)", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_expose_process_memory_and_the_services_own_meter()
    {
        meter.CreateCounter<long>("tomodachi.test.widgets").Add(3);

        var body = await Client.GetStringAsync("/metrics");

        Assert.Contains("process_memory_usage_bytes", body);
        Assert.Contains("process_memory_virtual_bytes", body);
        Assert.Contains("tomodachi_test_widgets_total", body);
    }

    [Fact]
    public async Task Metrics_have_no_count_suffixed_gauges_that_promtool_rejects()
    {
        var body = await Client.GetStringAsync("/metrics");

        var offenders = body.Split('\n')
            .Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .Where(parts => parts[2].EndsWith("_count", StringComparison.Ordinal) && parts[3] is not ("histogram" or "summary"))
            .Select(parts => parts[2])
            .ToList();

        Assert.Empty(offenders);
        Assert.Contains("process_threads", body);
    }
}
