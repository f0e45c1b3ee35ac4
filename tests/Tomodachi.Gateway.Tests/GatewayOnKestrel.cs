using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Tomodachi.Gateway.Tests;

/// <summary>The gateway in process, forwarding knob calls to a backend the test starts.</summary>
internal static class GatewayOnKestrel
{
    public static WebApplicationFactory<Program> ForwardingKnobTo(string knobGrpc, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Services:knob:grpc:0", knobGrpc);
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    /// <summary>
    /// The gateway on real Kestrel sockets (loopback ports the system picks) and a gRPC channel to its gRPC port:
    /// what a gRPC client meets, which the in-memory test server does not fully imitate.
    /// </summary>
    public static GrpcChannel StartOnKestrel(this WebApplicationFactory<Program> gateway)
    {
        ListenOptions? grpcEndpoint = null;
        gateway.UseKestrel(kestrel => kestrel.ConfigurationLoader?.Endpoint("grpc", endpoint => grpcEndpoint = endpoint.ListenOptions));
        gateway.StartServer();
        var port = grpcEndpoint?.IPEndPoint?.Port ?? throw new InvalidOperationException("the gateway bound no gRPC endpoint");
        return GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    }

    /// <summary>Settings that move the gateway's fixed ports to ones the system picks, for <see cref="StartOnKestrel"/>.</summary>
    public static readonly (string Key, string Value)[] LoopbackPorts =
        [("Kestrel:Endpoints:http:Url", "http://127.0.0.1:0"), ("Kestrel:Endpoints:grpc:Url", "http://127.0.0.1:0")];
}
