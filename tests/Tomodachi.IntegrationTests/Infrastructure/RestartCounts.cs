using System.Net.Http.Json;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tomodachi.AppHost.Supervision;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>The AppHost supervisor's restart counts, read where the Status panel reads them (<c>/restarts</c>).</summary>
public static class RestartCounts
{
    public static Uri Url(this DistributedApplication app) =>
        app.Services.GetRequiredService<IOptions<SupervisionEndpointOptions>>().Value.Url;

    public static async Task<ServiceRestarts> RestartsOfAsync(this DistributedApplication app, string service, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = app.Url() };
        var all = await http.GetFromJsonAsync<ServiceRestarts[]>("/restarts", cancellationToken)
            ?? throw new InvalidOperationException("/restarts answered null");
        return all.Single(s => s.Service == service);
    }

    /// <summary>Polls (bounded by the token) until the supervisor's record of the service satisfies the condition.</summary>
    public static async Task<ServiceRestarts> WaitForRestartsAsync(
        this DistributedApplication app, string service, Func<ServiceRestarts, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await app.RestartsOfAsync(service, cancellationToken);
            if (condition(current))
            {
                return current;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
