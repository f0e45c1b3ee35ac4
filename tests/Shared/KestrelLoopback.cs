using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Tomodachi.Testing;

/// <summary>
/// A service under test on real Kestrel sockets instead of the in-memory test server, for what the two do
/// differently: when the host stops, the test server aborts open streams at once, while Kestrel lets each finish
/// with the status its handler gives — which is what a client of a stopping service sees.
/// </summary>
public static class KestrelLoopback
{
    /// <summary>
    /// Starts a copy of the factory's service on Kestrel and opens a gRPC channel to its "grpc" endpoint; its "http"
    /// endpoint's address comes with it.
    /// </summary>
    public static KestrelService<TEntryPoint> StartOnKestrel<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        // The service's fixed ports may belong to a running suite, so the system picks both.
        var onKestrel = factory.WithWebHostBuilder(web => web
            .UseSetting("Kestrel:Endpoints:http:Url", "http://127.0.0.1:0")
            .UseSetting("Kestrel:Endpoints:grpc:Url", "http://127.0.0.1:0"));
        ListenOptions? grpcEndpoint = null, httpEndpoint = null;
        onKestrel.UseKestrel(kestrel => kestrel.ConfigurationLoader?
            .Endpoint("grpc", endpoint => grpcEndpoint = endpoint.ListenOptions)
            .Endpoint("http", endpoint => httpEndpoint = endpoint.ListenOptions));
        onKestrel.StartServer();
        var port = grpcEndpoint?.IPEndPoint?.Port ?? throw new InvalidOperationException("the service bound no gRPC endpoint");
        return new KestrelService<TEntryPoint>(onKestrel, GrpcChannel.ForAddress($"http://127.0.0.1:{port}"),
            new Uri($"http://127.0.0.1:{httpEndpoint?.IPEndPoint?.Port ?? throw new InvalidOperationException("the service bound no HTTP endpoint")}"));
    }
}

/// <summary>A service started by <see cref="KestrelLoopback.StartOnKestrel"/>, a channel to it and its HTTP address.</summary>
public sealed record KestrelService<TEntryPoint>(WebApplicationFactory<TEntryPoint> Factory, GrpcChannel Channel, Uri HttpAddress) : IAsyncDisposable
    where TEntryPoint : class
{
    public IServiceProvider Services => Factory.Services;

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Factory.DisposeAsync();
    }
}
