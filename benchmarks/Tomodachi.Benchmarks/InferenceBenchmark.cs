using System.Diagnostics;
using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// Generation and prompt speed of a bare LLamaSharp decode loop against the running service (real processes, real
/// gRPC), called directly and through the gateway, one chat against four.
/// </summary>
public static class InferenceBenchmark
{
    private const int PromptTokens = 128;

    public static async Task RunAsync(BenchmarkModel model, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        var defaults = BareLoop(model.Path, explicitThreads: false, repeats);
        var bare = BareLoop(model.Path, explicitThreads: true, repeats);
        output.WriteLine($"bare loop, LLamaSharp default threads: prompt {defaults.Prompt:0.0} t/s, generation {defaults.Generation:0.0} t/s");
        output.WriteLine($"bare loop, Threads=BatchThreads={BenchmarkModel.Threads}:     prompt {bare.Prompt:0.0} t/s, generation {bare.Generation:0.0} t/s");
        var four = BareLoop(model.Path, explicitThreads: true, repeats, sequences: 4);
        output.WriteLine($"bare loop, 4 sequences in one batch:   prompt {four.Prompt:0.0} t/s, generation {four.Generation:0.0} t/s aggregate " +
            $"= {four.Generation / bare.Generation:0.00}x one sequence (the ceiling for 4 chats)");

        // Per-token deltas first: the cost of waking the gRPC writer, the gateway and the client for every token.
        foreach (var flushInterval in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(50) })
        {
            await ServiceAsync(model, bare, flushInterval, repeats, output, cancellationToken);
        }

        await OrchestratorAsync(model, repeats, output, cancellationToken);
    }

    /// <summary>Median of <paramref name="repeats"/> runs of a freshly loaded <see cref="Benchmarks.BareLoop"/>.</summary>
    public static Speeds BareLoop(string path, bool explicitThreads, int repeats, int sequences = 1)
    {
        using var loop = Benchmarks.BareLoop.Open(path, explicitThreads, sequences);
        var runs = Enumerable.Range(0, repeats).Select(run => loop.Run(PromptTokens, GeneratedTokens, (uint)run)).ToList();
        return new Speeds(Median(runs.Select(r => r.Prompt)), Median(runs.Select(r => r.Generation)));
    }

    private static async Task ServiceAsync(
        BenchmarkModel model, Speeds bare, TimeSpan flushInterval, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        using var services = await GatewayedInference.StartAsync(model.Path, flushInterval, cancellationToken);
        var (direct, throughGateway) = (services.Direct, services.ThroughGateway);
        var rss = await services.RssBytesAsync(cancellationToken);

        output.WriteLine($"service, StreamFlushInterval={flushInterval.TotalMilliseconds:0} ms:");
        Report("direct", await SequentialAsync(direct, "direct", repeats, cancellationToken));
        var viaGateway = await SequentialAsync(throughGateway, "gateway", repeats, cancellationToken);
        Report("through the gateway", viaGateway);

        var aggregate = (await FourChatsAsync(throughGateway, "four", cancellationToken)).Whole;
        var oneChat = Median(viaGateway.Select(s => s.Stats.CompletionTokens / (s.Stats.TotalLatencyMs / 1000)));
        output.WriteLine($"  4 chats at once through the gateway: {aggregate:0.0} t/s aggregate (whole turns, prompts included) " +
            $"vs {oneChat:0.0} t/s for one chat = {aggregate / oneChat:0.00}x; RSS {rss / 1e6:0} MB");

        void Report(string path, IReadOnlyList<ChatSample> samples)
        {
            var client = Median(samples.Select(s => s.ClientTokensPerSecond));
            var prompt = Median(samples.Select(s => s.Stats.PromptTokensPerSecond));
            output.WriteLine($"  1 chat {path}: generation {client:0.0} t/s at the client = {client / bare.Generation:P0} of the bare loop " +
                $"(server-measured {Median(samples.Select(s => s.Stats.GenerationTokensPerSecond)):0.0}); " +
                $"prompt {prompt:0.0} t/s ({Median(samples.Select(s => (double)s.Stats.PromptTokens)):0} tokens) = {prompt / bare.Prompt:P0}; " +
                $"TTFT {Median(samples.Select(s => s.Stats.TimeToFirstTokenMs)):0} ms");
        }
    }

    /// <summary>A service process that lets the model route every message (grammar-constrained JSON).</summary>
    private static async Task OrchestratorAsync(BenchmarkModel model, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        using var routed = BenchmarkServices.StartInference(model.Path, BenchmarkModel.Threads, "Model", TimeSpan.FromMilliseconds(50));
        using var channel = GrpcChannel.ForAddress(routed.GrpcAddress);
        var client = new InferenceService.InferenceServiceClient(channel);
        await BenchmarkServices.WaitUntilLoadedAsync(routed, client, cancellationToken);
        var orchestrated = (await SequentialAsync(client, "routed", repeats, cancellationToken)).Select(s => s.Stats).ToList();
        output.WriteLine($"orchestrator (grammar JSON by the model): {Median(orchestrated.Select(s => s.OrchestratorMs)):0} ms per turn, " +
            $"fallback used in {orchestrated.Count(s => s.OrchestratorFallback)}/{orchestrated.Count} turns; " +
            $"TTFT {Median(orchestrated.Select(s => s.TimeToFirstTokenMs)):0} ms");
    }
}
