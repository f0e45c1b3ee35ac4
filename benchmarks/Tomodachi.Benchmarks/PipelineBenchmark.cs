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
        using var services = await GatewayedInference.StartAsync("", TimeSpan.FromMilliseconds(50), cancellationToken,
            modelCache: Path.Combine(workDirectory, "demo-cache"));
        var (direct, throughGateway) = (services.Direct, services.ThroughGateway);
        var model = (await direct.GetModelAsync(new GetModelRequest(), cancellationToken: cancellationToken)).Model;
        var rss = await services.RssBytesAsync(cancellationToken);

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
