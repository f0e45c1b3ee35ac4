using Grpc.Net.Client;
using Tomodachi.Inference.V1;

namespace Tomodachi.Benchmarks;

/// <summary>
/// The inference service with the gateway in front of it, and a client for each way in: straight to the service
/// and through the gateway, as browsers and gRPC clients reach it. Returned once the model is loaded.
/// </summary>
public sealed class GatewayedInference : IDisposable
{
    private readonly ServiceProcess _inference;
    private readonly ServiceProcess _gateway;
    private readonly GrpcChannel _directChannel;
    private readonly GrpcChannel _gatewayChannel;

    private GatewayedInference(ServiceProcess inference, ServiceProcess gateway)
    {
        _inference = inference;
        _gateway = gateway;
        _directChannel = GrpcChannel.ForAddress(inference.GrpcAddress);
        _gatewayChannel = GrpcChannel.ForAddress(gateway.GrpcAddress);
        Direct = new InferenceService.InferenceServiceClient(_directChannel);
        ThroughGateway = new InferenceService.InferenceServiceClient(_gatewayChannel);
    }

    public InferenceService.InferenceServiceClient Direct { get; }

    public InferenceService.InferenceServiceClient ThroughGateway { get; }

    /// <summary>The processes a chat through the gateway runs in, for their threads' CPU time.</summary>
    public (int Inference, int Gateway) ProcessIds => (_inference.Id, _gateway.Id);

    /// <summary>The gateway's HTTP port: the web UI's and the OpenAI-compatible API's.</summary>
    public Uri GatewayHttp => _gateway.HttpAddress;

    /// <param name="modelPath">The GGUF to serve; empty for the demo model, generated into <paramref name="modelCache"/>.</param>
    public static async Task<GatewayedInference> StartAsync(
        string modelPath, TimeSpan streamFlushInterval, CancellationToken cancellationToken, string? modelCache = null)
    {
        var inference = BenchmarkServices.StartInference(modelPath, BenchmarkModel.Threads, "Rules", streamFlushInterval, modelCache: modelCache);
        var started = new GatewayedInference(inference, BenchmarkServices.StartGateway(inference));
        try
        {
            await BenchmarkServices.WaitUntilLoadedAsync(inference, started.ThroughGateway, cancellationToken);
            return started;
        }
        catch
        {
            started.Dispose();
            throw;
        }
    }

    /// <summary>The service's resident set, as it reports it.</summary>
    public async Task<ulong> RssBytesAsync(CancellationToken cancellationToken) =>
        (await Direct.GetProcessMemoryAsync(new GetProcessMemoryRequest(), cancellationToken: cancellationToken)).Memory.RssBytes;

    public void Dispose()
    {
        _directChannel.Dispose();
        _gatewayChannel.Dispose();
        _gateway.Dispose();
        _inference.Dispose();
    }
}
