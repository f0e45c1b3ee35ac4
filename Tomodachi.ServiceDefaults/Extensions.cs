using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Tomodachi.ServiceDefaults.Probes;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The cross-cutting wiring every Tomodachi service shares: telemetry, health, service discovery, resilience,
/// the Host and Origin checks every request meets first, and the service token that tells calls from inside the
/// suite from everyone else's.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string MetricsEndpointPath = "/metrics";

    /// <summary>
    /// Tags a health check that describes another process. It is reported over gRPC health and makes /health say
    /// Degraded with its name, never Unhealthy: the gateway stays up while a backend restarts.
    /// </summary>
    public const string RemoteTag = "remote";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddServiceToken();
        builder.AddDoorChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // "live" answers whether the process should be restarted; everything else decides readiness.
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps /health, /alive and /metrics in every environment: Prometheus and orchestrators need them in production too.
    /// Every other request must carry the service token when one is configured.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseServiceToken();
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = DependencyAwareHealth.WriteAsync });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        app.MapPrometheusScrapingEndpoint(MetricsEndpointPath);
        return app;
    }
}
