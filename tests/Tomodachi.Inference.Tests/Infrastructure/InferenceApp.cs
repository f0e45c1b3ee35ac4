using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tests.Infrastructure;

/// <summary>
/// The real service in-process (TestServer) with a real gRPC channel. The model is loaded explicitly through
/// LoadModel, so every test starts from a known state; memory points at a closed port unless a test gives one.
/// </summary>
public class InferenceApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private GrpcChannel? _channel;

    /// <param name="services">Replaces registrations, e.g. what the machine's free memory is said to be.</param>
    public InferenceApp(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            ["Inference:LoadOnStartup"] = "false",
            ["Inference:ContextSize"] = "512",
            ["Inference:ParallelSlots"] = "2",
            ["Inference:QueueCapacity"] = "2",
            ["Inference:Threads"] = "1",
            ["Inference:BatchThreads"] = "1",
            ["Inference:MemoryTimeout"] = "00:00:01",
            ["Inference:OrchestratorMaxTokens"] = "128",
            ["Inference:ModelCache"] = TestModels.ScratchPath("cache"),
            ["Inference:ModelFolders:0"] = TestModels.Folder,
            ["Inference:Journal:Path"] = TestModels.ScratchPath("journal.db"),
            ["services:memory:grpc:0"] = $"http://127.0.0.1:{ClosedPort()}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public InferenceService.InferenceServiceClient Client => new(Channel);

    public TuningService.TuningServiceClient Tuning => new(Channel);

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(Server.BaseAddress,
        new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>A port nothing listens on: connecting fails at once, like a memory service that is down.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected override void Dispose(bool disposing)
    {
        _channel?.Dispose();
        base.Dispose(disposing);
    }
}
