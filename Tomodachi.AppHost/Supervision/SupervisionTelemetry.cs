using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// The restart counts as OpenTelemetry instruments, sent over OTLP to the Aspire dashboard like the services' own
/// metrics (as the "supervisor" in its Metrics page) whenever the AppHost runs with its dashboard. They read the same
/// ledger that <see cref="RestartsEndpoint"/> serves to Prometheus, so the two never disagree.
/// </summary>
public sealed class SupervisionTelemetry : IHostedService, IDisposable
{
    public const string MeterName = "Tomodachi.Supervision";
    public const string ServiceName = "supervisor";

    private readonly Meter meter = new(MeterName);
    private readonly IConfiguration configuration;
    private MeterProvider? provider;

    public SupervisionTelemetry(RestartLedger ledger, IConfiguration configuration)
    {
        this.configuration = configuration;
        meter.CreateObservableCounter("tomodachi.service.restarts",
            () => ledger.Snapshot().Select(s => new Measurement<long>(s.Restarts, Service(s))),
            unit: "{restart}", description: "Starts the AppHost's supervisor made after the service exited without being asked to.");
        meter.CreateObservableGauge("tomodachi.service.crash_looping",
            () => ledger.Snapshot().Select(s => new Measurement<int>(s.State == SupervisedStates.CrashLooping ? 1 : 0, Service(s))),
            description: "1 while the supervisor has given up on the service after too many failures, else 0.");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Set by Aspire when the dashboard runs (launchSettings.json); tests run without a dashboard and export nothing.
        if (configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] is { Length: > 0 } endpoint)
        {
            var apiKey = configuration["AppHost:OtlpApiKey"];
            provider = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(resource => resource.AddService(ServiceName))
                .AddMeter(MeterName)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(endpoint);
                    exporter.Protocol = OtlpExportProtocol.Grpc;
                    if (!string.IsNullOrEmpty(apiKey))
                    {
                        exporter.Headers = $"x-otlp-api-key={apiKey}";
                    }

                    // Every 5 s, as the local Prometheus scrapes the same figures.
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5_000;
                })
                .Build();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        provider?.Dispose();
        meter.Dispose();
    }

    private static KeyValuePair<string, object?> Service(ServiceRestarts restarts) => new("service", restarts.Service);
}
