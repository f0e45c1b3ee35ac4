using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.Gateway.Tests;

/// <summary>A stand-in backend for the gateway to forward to, on loopback ports the system assigns.</summary>
internal static class LoopbackBackend
{
    /// <summary>A builder that listens once per protocol given, each on a port of its own, and nowhere else.</summary>
    public static WebApplicationBuilder CreateBuilder(params HttpProtocols[] listeners)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        // The test's output folder holds the gateway's appsettings.json (it comes with the project reference): its
        // Kestrel endpoints would bind the gateway's fixed ports 5173 and 5174 as well, which clash with any other
        // backend in this run and with a running suite. The backend gets only the settings its test gives it.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var protocols in listeners)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols);
            }
        });
        return builder;
    }

    /// <summary>The addresses actually bound, in the order the listeners were given.</summary>
    public static IReadOnlyList<string> Addresses(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();
}
