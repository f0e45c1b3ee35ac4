using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// What the whole pipeline adds per token, measured where the model costs almost nothing: the demo model the
/// service generates for itself, bare loop against the service directly and through the gateway. Also the
/// service's RSS with that model.
/// </summary>
public static class PipelineBenchmark
{
    public static async Task RunAsync(string workDirectory, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        using var inference = BenchmarkServices.StartInference("", BenchmarkModel.Threads, "Rules", TimeSpan.FromMilliseconds(50),
            modelCache: Path.Combine(workDirectory, "demo-cache"));
        using var gateway = BenchmarkServices.StartGateway(inference);
        using var directChannel = GrpcChannel.ForAddress(inference.GrpcAddress);
        using var gatewayChannel = GrpcChannel.ForAddress(gateway.GrpcAddress);
        var direct = new InferenceService.InferenceServiceClient(directChannel);
        var throughGateway = new InferenceService.InferenceServiceClient(gatewayChannel);
        await BenchmarkServices.WaitUntilLoadedAsync(inference, throughGateway, cancellationToken);
        var model = (await direct.GetModelAsync(new GetModelRequest(), cancellationToken: cancellationToken)).Model;
        var rss = (await direct.GetProcessMemoryAsync(new GetProcessMemoryRequest(), cancellationToken: cancellationToken)).Memory.RssBytes;

        var bare = InferenceBenchmark.BareLoop(model.Path, explicitThreads: true, repeats).Generation;
        output.WriteLine();
        output.WriteLine($"## Pipeline on the demo model ({model.ParameterCount / 1e6:0.0}M parameters, {model.Quantization}); service RSS {rss / 1e6:0} MB");
        output.WriteLine($"bare loop: generation {bare:0.0} t/s = {1e6 / bare:0} µs per token");
        foreach (var (path, client) in new[] { ("direct", direct), ("through the gateway", throughGateway) })
        {
            var samples = await SequentialAsync(client, path.Replace(' ', '-'), repeats, cancellationToken);
            var atClient = Median(samples.Select(s => s.ClientTokensPerSecond));
            var server = Median(samples.Select(s => s.Stats.GenerationTokensPerSecond));
            output.WriteLine($"service {path}: {atClient:0.0} t/s at the client (server-measured {server:0.0}) = {1e6 / atClient:0} µs per token: " +
                $"the pipeline adds {1e6 / atClient - 1e6 / bare:0} µs per token");
        }
    }
}
