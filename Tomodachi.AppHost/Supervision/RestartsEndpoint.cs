using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// The AppHost's own small HTTP server on loopback: <c>/metrics</c> (Prometheus text: the restart counter and the
/// crash-loop gauge per supervised service) for the local Prometheus, <c>/restarts</c> (JSON) for the Status panel.
/// Loopback only, and only loopback Host names, so no other machine and no web page by DNS rebinding reads it.
/// </summary>
public sealed partial class RestartsEndpoint(RestartLedger ledger, IOptions<SupervisionEndpointOptions> options, ILogger<RestartsEndpoint> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Value.Port));
        app = builder.Build();
        app.Use((context, next) => IsLoopbackHost(context.Request.Host.Host)
            ? next(context)
            : Results.StatusCode(StatusCodes.Status421MisdirectedRequest).ExecuteAsync(context));
        app.MapGet("/metrics", () => Results.Text(PrometheusText(ledger.Snapshot()), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/restarts", () => Results.Json(ledger.Snapshot()));
        await app.StartAsync(cancellationToken);
        Log.Listening(logger, options.Value.Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>The exposition format by hand: two families, one sample per service; no exporter needed for that.</summary>
    public static string PrometheusText(IReadOnlyList<ServiceRestarts> services)
    {
        var text = new StringBuilder()
            .Append("# HELP tomodachi_service_restarts_total Starts the AppHost's supervisor made after the service exited without being asked to.\n")
            .Append("# TYPE tomodachi_service_restarts_total counter\n");
        foreach (var service in services)
        {
            text.Append(CultureInfo.InvariantCulture, $"tomodachi_service_restarts_total{{service=\"{service.Service}\"}} {service.Restarts}\n");
        }

        text.Append("# HELP tomodachi_service_crash_looping 1 while the supervisor has given up on the service after too many failures, else 0.\n")
            .Append("# TYPE tomodachi_service_crash_looping gauge\n");
        foreach (var service in services)
        {
            var looping = service.State == SupervisedStates.CrashLooping ? 1 : 0;
            text.Append(CultureInfo.InvariantCulture, $"tomodachi_service_crash_looping{{service=\"{service.Service}\"}} {looping}\n");
        }

        return text.ToString();
    }

    private static bool IsLoopbackHost(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1";

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Restart counts on {Url}metrics and {Url}restarts.")]
        public static partial void Listening(ILogger logger, Uri url);
    }
}
