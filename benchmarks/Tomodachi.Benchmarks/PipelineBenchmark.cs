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
        var model = (await services.Direct.GetModelAsync(new GetModelRequest(), cancellationToken: cancellationToken)).Model;
        var rss = await services.RssBytesAsync(cancellationToken);
        // Session names may not hold spaces; the report says the path in words.
        var paths = new[] { (Name: "direct", Label: "direct", Client: services.Direct), (Name: "gateway", Label: "through the gateway", Client: services.ThroughGateway) };

        // Warm-up: JIT on every side is start-up cost, not per-token cost.
        InferenceBenchmark.BareLoop(model.Path, explicitThreads: true, repeats: 1);
        foreach (var (name, _, client) in paths)
        {
            await ChatAsync(client, $"{name}-warmup", cancellationToken);
        }

        // Rounds alternate bare loop and service, so a slow spell of the machine hits all three alike; the overhead
        // is the median of each round's own difference.
        var bare = new List<double>();
        var service = paths.ToDictionary(p => p.Label, _ => new List<(double Client, double Server)>());
        for (var round = 0; round < repeats; round++)
        {
            bare.Add(1e6 / InferenceBenchmark.BareLoop(model.Path, explicitThreads: true, repeats: 1).Generation);
            foreach (var (name, label, client) in paths)
            {
                var sample = await ChatAsync(client, $"{name}-{round}", cancellationToken);
                service[label].Add((1e6 / sample.ClientTokensPerSecond, 1e6 / sample.Stats.GenerationTokensPerSecond));
            }
        }

        output.WriteLine();
        output.WriteLine($"## Pipeline on the demo model ({model.ParameterCount / 1e6:0.0}M parameters, {model.Quantization}); " +
            $"service RSS {rss / 1e6:0} MB; {repeats} alternating rounds, µs per generated token, median [min–max]");
        output.WriteLine($"bare loop: {Spread(bare)}");
        foreach (var (label, samples) in service)
        {
            var added = samples.Select((s, round) => s.Client - bare[round]);
            output.WriteLine($"service, {label}: {Spread(samples.Select(s => s.Client))} at the client, " +
                $"{Spread(samples.Select(s => s.Server))} server-measured; the pipeline adds {Spread(added)}");
        }
    }

    private static string Spread(IEnumerable<double> values)
    {
        var list = values.ToList();
        return $"{Median(list):0} [{list.Min():0}–{list.Max():0}]";
    }
}
