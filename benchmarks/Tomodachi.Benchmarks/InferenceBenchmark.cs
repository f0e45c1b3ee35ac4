using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Logging.Abstractions;
using Tomodachi.Inference.Models;
using Tomodachi.Models.Llama;
using Tomodachi.Models.Gguf;
using Tomodachi.Inference.V1;

namespace Tomodachi.Benchmarks;

/// <summary>
/// Generation and prompt speed of a bare LLamaSharp decode loop against the running service (real process, real
/// gRPC), one chat against four, on a generated 136M-parameter llama quantized to Q8_0 and Q4_0.
/// </summary>
public static class InferenceBenchmark
{
    private const int Threads = 2;
    private const int PromptTokens = 128;
    private const int GeneratedTokens = 128;

    private static readonly GgufModelSpec BigSpec = new()
    {
        Name = "bench-136m",
        VocabSize = 32000,
        EmbeddingLength = 1024,
        BlockCount = 12,
        FeedForwardLength = 2816,
        HeadCount = 16,
        HeadCountKv = 4,
        ContextLength = 4096,
        Seed = 1,
    };

    public static async Task RunAsync(string workDirectory, int repeats, IReadOnlyCollection<string> quantizations, TextWriter output, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        LlamaNative.EnsureLoaded(NullLogger.Instance);
        var f32 = Path.Combine(workDirectory, "bench-136m-f32.gguf");
        if (!File.Exists(f32))
        {
            await GgufWriter.WriteAsync(BigSpec, f32, cancellationToken);
        }

        output.WriteLine($"Model: {BigSpec.ParameterCount / 1e6:0.0}M parameters (embd {BigSpec.EmbeddingLength}, ff {BigSpec.FeedForwardLength}, " +
            $"{BigSpec.BlockCount} layers, {BigSpec.HeadCount} heads / {BigSpec.HeadCountKv} KV heads, vocab {BigSpec.VocabSize}); threads {Threads}");
        foreach (var (type, name) in new[] { (LLamaFtype.MOSTLY_Q8_0, "Q8_0"), (LLamaFtype.MOSTLY_Q4_0, "Q4_0") }.Where(q => quantizations.Contains(q.Item2)))
        {
            var path = Path.Combine(workDirectory, $"bench-136m-{name}.gguf");
            if (!File.Exists(path) && !LLamaQuantizer.Quantize(f32, path, type, Threads))
            {
                throw new InvalidOperationException($"Quantizing to {name} failed.");
            }

            output.WriteLine();
            output.WriteLine($"## {name} ({new FileInfo(path).Length / 1e6:0} MB)");
            var defaults = BareLoop(path, explicitThreads: false, repeats);
            var bare = BareLoop(path, explicitThreads: true, repeats);
            output.WriteLine($"bare loop, LLamaSharp default threads: prompt {defaults.Prompt:0.0} t/s, generation {defaults.Generation:0.0} t/s");
            output.WriteLine($"bare loop, Threads=BatchThreads={Threads}:     prompt {bare.Prompt:0.0} t/s, generation {bare.Generation:0.0} t/s");
            await ServiceAsync(path, bare, repeats, output, cancellationToken);
        }
    }

    private sealed record Speeds(double Prompt, double Generation);

    /// <summary>One context, one batch, one sampler: the fastest LLamaSharp path. Median of <paramref name="repeats"/> runs.</summary>
    private static Speeds BareLoop(string path, bool explicitThreads, int repeats)
    {
        var parameters = new ModelParams(path) { ContextSize = 1024, BatchSize = 1024 };
        if (explicitThreads)
        {
            parameters.Threads = Threads;
            parameters.BatchThreads = Threads;
        }

        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var prompt = Enumerable.Range(0, PromptTokens).Select(i => (LLamaToken)(300 + i * 7 % 20000)).ToArray();
        var promptSpeeds = new List<double>();
        var generationSpeeds = new List<double>();
        for (var run = 0; run < repeats; run++)
        {
            context.NativeHandle.MemoryClear(true);
            using var sampler = new DefaultSamplingPipeline { Seed = (uint)run };
            var batch = new LLamaBatch();
            batch.AddRange(prompt, 0, LLamaSeqId.Zero, true);
            var clock = Stopwatch.StartNew();
            context.Decode(batch);
            promptSpeeds.Add(PromptTokens / clock.Elapsed.TotalSeconds);

            var token = sampler.Sample(context.NativeHandle, batch.TokenCount - 1);
            clock.Restart();
            for (var i = 0; i < GeneratedTokens; i++)
            {
                batch.Clear();
                batch.Add(token, PromptTokens + i, LLamaSeqId.Zero, true);
                context.Decode(batch);
                token = sampler.Sample(context.NativeHandle, 0);
            }

            generationSpeeds.Add(GeneratedTokens / clock.Elapsed.TotalSeconds);
        }

        return new Speeds(Median(promptSpeeds), Median(generationSpeeds));
    }

    private static async Task ServiceAsync(string path, Speeds bare, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        await GenerationAsync(path, bare, repeats, output, cancellationToken);
        await OrchestratorAsync(path, repeats, output, cancellationToken);
    }

    private static async Task GenerationAsync(string path, Speeds bare, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        using var service = ServiceProcess.Start(path, Threads, orchestrator: "Rules");
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var client = new InferenceService.InferenceServiceClient(channel);
        await service.WaitUntilLoadedAsync(client, cancellationToken);
        var rss = (await client.GetProcessMemoryAsync(new GetProcessMemoryRequest())).Memory.RssBytes;

        var single = new List<(double ClientTps, TurnStats Stats)>();
        for (var run = 0; run < repeats; run++)
        {
            single.Add(await ChatAsync(client, $"single-{run}", cancellationToken));
        }

        var clientTps = Median(single.Select(s => s.ClientTps));
        output.WriteLine($"service (gRPC client, 1 chat): generation {clientTps:0.0} t/s at the client = {clientTps / bare.Generation:P0} of the bare loop; " +
            $"server-measured {Median(single.Select(s => s.Stats.GenerationTokensPerSecond)):0.0} t/s; " +
            $"prompt {Median(single.Select(s => s.Stats.PromptTokensPerSecond)):0.0} t/s ({Median(single.Select(s => (double)s.Stats.PromptTokens)):0} tokens) " +
            $"= {Median(single.Select(s => s.Stats.PromptTokensPerSecond)) / bare.Prompt:P0}; TTFT {Median(single.Select(s => s.Stats.TimeToFirstTokenMs)):0} ms");

        var clock = Stopwatch.StartNew();
        var four = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ChatAsync(client, $"four-{i}", cancellationToken)));
        var aggregate = four.Sum(f => f.Stats.CompletionTokens) / clock.Elapsed.TotalSeconds;
        var oneChat = Median(single.Select(s => s.Stats.CompletionTokens / (s.Stats.TotalLatencyMs / 1000)));
        output.WriteLine($"service, 4 chats at once: {aggregate:0.0} t/s aggregate (whole turns, prompts included) vs {oneChat:0.0} t/s for one chat " +
            $"= {aggregate / oneChat:0.00}x; RSS {rss / 1e6:0} MB");
    }

    /// <summary>A second service process (they share ports), this time letting the model route every message.</summary>
    private static async Task OrchestratorAsync(string path, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        using var routed = ServiceProcess.Start(path, Threads, orchestrator: "Model");
        using var routedChannel = GrpcChannel.ForAddress(routed.GrpcAddress);
        var routedClient = new InferenceService.InferenceServiceClient(routedChannel);
        await routed.WaitUntilLoadedAsync(routedClient, cancellationToken);
        var orchestrated = new List<TurnStats>();
        for (var run = 0; run < repeats; run++)
        {
            orchestrated.Add((await ChatAsync(routedClient, $"routed-{run}", cancellationToken)).Stats);
        }

        output.WriteLine($"orchestrator (grammar JSON by the model): {Median(orchestrated.Select(s => s.OrchestratorMs)):0} ms per turn, " +
            $"fallback used in {orchestrated.Count(s => s.OrchestratorFallback)}/{orchestrated.Count} turns; TTFT {Median(orchestrated.Select(s => s.TimeToFirstTokenMs)):0} ms");
    }

    /// <summary>One chat; the client-side rate counts the deltas after the first over the time they took to arrive.</summary>
    private static async Task<(double ClientTps, TurnStats Stats)> ChatAsync(InferenceService.InferenceServiceClient client, string session, CancellationToken cancellationToken)
    {
        var request = new ChatRequest
        {
            SessionId = session,
            Message = "Tell me a long story about a fox who learns to sail across the sea.",
            MaxTokens = GeneratedTokens,
            Sampling = new Sampling { Seed = 7 },
        };
        using var call = client.Chat(request, cancellationToken: cancellationToken);
        var clock = new Stopwatch();
        var deltas = 0;
        TurnStats? stats = null;
        TimeSpan last = default;
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (response.EventCase == ChatResponse.EventOneofCase.Delta)
            {
                if (deltas++ == 0)
                {
                    clock.Start();
                }

                last = clock.Elapsed;
            }
            else
            {
                stats = response.Stats;
            }
        }

        return (last > TimeSpan.Zero ? (stats!.CompletionTokens - 1.0) / last.TotalSeconds : 0, stats!);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
