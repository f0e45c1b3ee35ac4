using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Tomodachi.Testing;

/// <summary>
/// A service under test on real Kestrel sockets instead of the in-memory test server, for what the two do
/// differently: when the host stops, the test server aborts open streams at once, while Kestrel lets each finish
/// with the status its handler gives — which is what a client of a stopping service sees.
/// </summary>
public static class KestrelLoopback
{
    /// <summary>Starts a copy of the factory's service on Kestrel and opens a gRPC channel to it.</summary>
    public static KestrelService<TEntryPoint> StartOnKestrel<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        // The service's fixed ports may belong to a running suite, so the system picks both; both speak HTTP/2,
        // so either reaches the gRPC services.
        var onKestrel = factory.WithWebHostBuilder(web => web
            .UseSetting("Kestrel:Endpoints:http:Url", "http://127.0.0.1:0")
            .UseSetting("Kestrel:Endpoints:http:Protocols", "Http2")
            .UseSetting("Kestrel:Endpoints:grpc:Url", "http://127.0.0.1:0"));
        onKestrel.UseKestrel();
        onKestrel.StartServer();
        var addresses = onKestrel.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new KestrelService<TEntryPoint>(onKestrel, GrpcChannel.ForAddress(addresses.Addresses.First()));
    }
}

/// <summary>A service started by <see cref="KestrelLoopback.StartOnKestrel"/> and a channel to it.</summary>
public sealed record KestrelService<TEntryPoint>(WebApplicationFactory<TEntryPoint> Factory, GrpcChannel Channel) : IAsyncDisposable
    where TEntryPoint : class
{
    public IServiceProvider Services => Factory.Services;

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Factory.DisposeAsync();
    }
}
