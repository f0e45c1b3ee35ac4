using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>
/// Kestrel serving gRPC over cleartext HTTP/2 on a loopback port, so the web's clients talk to a real server.
/// Stopping it and starting another on the same port is how a service restart looks to the web.
/// </summary>
public sealed class GrpcTestHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private GrpcTestHost(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts a host serving <typeparamref name="TService"/>; a null service serves nothing, so every call is UNIMPLEMENTED.</summary>
    public static async Task<GrpcTestHost> StartAsync<TService>(TService? service, int port = 0) where TService : class
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The web's appsettings.json sits in the test output and would bind its fixed Kestrel port.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        // A restart in a test should look like a crash to the clients, not wait for open streams to drain.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.Zero);
        if (service is not null)
        {
            builder.Services.AddSingleton(service);
        }

        var app = builder.Build();
        if (service is not null)
        {
            app.MapGrpcService<TService>();
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new GrpcTestHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
