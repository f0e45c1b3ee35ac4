using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Tomodachi.Knob.Benchmarks;

/// <summary>The real Knob service (its own Program) on Kestrel, loopback only, simulated pins, free ports.</summary>
public sealed class InProcessKnob : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private InProcessKnob(WebApplicationFactory<Program> factory, Uri grpcAddress)
    {
        _factory = factory;
        GrpcAddress = grpcAddress;
    }

    public Uri GrpcAddress { get; }

    public static InProcessKnob Start()
    {
        var grpc = new Uri($"http://127.0.0.1:{FreePort()}");
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSolutionRelativeContentRoot("services/Tomodachi.Knob")
            .UseEnvironment("Production")
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .UseSetting("Knob:Mode", "simulated")
            .UseSetting("Kestrel:Endpoints:http:Url", $"http://127.0.0.1:{FreePort()}")
            .UseSetting("Kestrel:Endpoints:grpc:Url", grpc.ToString()));
        factory.UseKestrel();
        factory.StartServer();
        return new InProcessKnob(factory, grpc);
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
