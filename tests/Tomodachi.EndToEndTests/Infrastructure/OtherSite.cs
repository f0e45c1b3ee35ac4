using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>Another web site on this machine (Kestrel on a loopback port of its own) serving one page.</summary>
internal sealed class OtherSite : IAsyncDisposable
{
    private readonly WebApplication app;

    private OtherSite(WebApplication app) => this.app = app;

    /// <summary>The page's address, under the name localhost: the same site as the gateway, for cookies.</summary>
    public Uri Page => new($"http://localhost:{new Uri(app.Urls.Single()).Port}/");

    public static async Task<OtherSite> StartAsync(string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var site = new OtherSite(builder.Build());
        site.app.MapGet("/", () => Results.Content(html, "text/html"));
        await site.app.StartAsync();
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
