using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry for logs, traces and metrics: OTLP to the Aspire dashboard when configured, and always a
/// Prometheus exporter, so the dashboard and a Prometheus scrape read the same instruments.
/// </summary>
public static class TelemetryExtensions
{
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.AddProcessMemorySampler();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddMeter(ProcessMemorySampler.MeterName)
                .DropProcessInstrumentationMemory()
                .AddPromtoolCleanNames()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Scrapes and probes every few seconds would drown the real traces.
                    options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.BoundOtlpExportTime();
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>One reader of the process's memory for every view of it (see <see cref="ProcessMemorySampler"/>).</summary>
    private static void AddProcessMemorySampler(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ProcessMemoryOptions>().BindConfiguration(ProcessMemoryOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ProcessMemorySampler>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ProcessMemorySampler>());
    }

    /// <summary>
    /// The process instrumentation would read memory again at every collection, at other moments than the sampler;
    /// its two memory gauges are dropped and <see cref="ProcessMemorySampler"/>'s take their names.
    /// </summary>
    private static MeterProviderBuilder DropProcessInstrumentationMemory(this MeterProviderBuilder metrics) =>
        metrics.AddView(instrument =>
            instrument.Meter.Name == ProcessInstrumentationMeter && instrument.Name is "process.memory.usage" or "process.memory.virtual"
                ? MetricStreamConfiguration.Drop
                : null);

    private const string ProcessInstrumentationMeter = "OpenTelemetry.Instrumentation.Process";

    /// <summary>The OTLP export timeout used unless OTEL_EXPORTER_OTLP_TIMEOUT sets another.</summary>
    private const string OtlpExportTimeoutMilliseconds = "1000";

    /// <summary>
    /// The exporter's own default is 10 s, and the AppHost turns on retries (OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY)
    /// that sleep and retry until that deadline. A process flushes logs, metrics and traces one after another when it
    /// stops, so with no collector listening — the dashboard closed, or off as in the tests — a stop took 13–15 s,
    /// longer than the AppHost waits before it kills the process. The collector is on this machine: an export it
    /// cannot take within a second is dropped, and a stop takes a couple of seconds at worst.
    /// </summary>
    private static void BoundOtlpExportTime(this IHostApplicationBuilder builder)
    {
        const string timeoutKey = "OTEL_EXPORTER_OTLP_TIMEOUT";
        if (string.IsNullOrWhiteSpace(builder.Configuration[timeoutKey]))
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [timeoutKey] = OtlpExportTimeoutMilliseconds,
            });
        }
    }

    /// <summary>
    /// Registers a service's own <see cref="System.Diagnostics.Metrics.Meter"/> and
    /// <see cref="System.Diagnostics.ActivitySource"/> (same name) with every exporter.
    /// </summary>
    public static TBuilder AddTomodachiTelemetrySource<TBuilder>(this TBuilder builder, string name) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(name));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(name));
        return builder;
    }

    /// <summary>
    /// Prometheus reserves the "_count" suffix for histograms and summaries, and `promtool check metrics` rejects
    /// these gauges from the runtime and process instrumentation; they are exported under plural names instead.
    /// </summary>
    private static readonly Dictionary<string, string> PromtoolCleanNames = new()
    {
        ["dotnet.assembly.count"] = "dotnet.assemblies",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpus",
        ["dotnet.timer.count"] = "dotnet.timers",
        ["process.thread.count"] = "process.threads",
        ["process.unix.file_descriptor.count"] = "process.unix.file_descriptors",
    };

    private static MeterProviderBuilder AddPromtoolCleanNames(this MeterProviderBuilder metrics)
    {
        foreach (var (instrument, exported) in PromtoolCleanNames)
        {
            metrics.AddView(instrument, new MetricStreamConfiguration { Name = exported });
        }

        return metrics;
    }

    internal static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(Extensions.HealthEndpointPath)
        || path.StartsWithSegments(Extensions.AlivenessEndpointPath)
        || path.StartsWithSegments(Extensions.MetricsEndpointPath);
}
