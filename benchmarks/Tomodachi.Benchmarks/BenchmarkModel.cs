using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Tomodachi.Models.Llama;
using Tomodachi.Models.Gguf;

namespace Tomodachi.Benchmarks;

/// <summary>A generated llama of realistic size, quantized, written once into the work directory and reused.</summary>
public sealed record BenchmarkModel(string Name, string Path)
{
    public const int Threads = 2;

    private static readonly GgufModelSpec Spec = new()
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

    public static string Describe() =>
        $"{Spec.ParameterCount / 1e6:0.0}M parameters (embd {Spec.EmbeddingLength}, ff {Spec.FeedForwardLength}, {Spec.BlockCount} layers, " +
        $"{Spec.HeadCount} heads / {Spec.HeadCountKv} KV heads, vocab {Spec.VocabSize}); threads {Threads}";

    public static async Task<BenchmarkModel> PrepareAsync(string workDirectory, string quantization, CancellationToken cancellationToken)
    {
        var type = quantization switch
        {
            "Q8_0" => LLamaFtype.MOSTLY_Q8_0,
            "Q4_0" => LLamaFtype.MOSTLY_Q4_0,
            _ => throw new ArgumentException($"Unknown quantization '{quantization}': use Q8_0 or Q4_0.", nameof(quantization)),
        };
        Directory.CreateDirectory(workDirectory);
        LlamaNative.EnsureLoaded(NullLogger.Instance);
        var f32 = System.IO.Path.Combine(workDirectory, "bench-136m-f32.gguf");
        if (!File.Exists(f32))
        {
            await GgufWriter.WriteAsync(Spec, f32, cancellationToken);
        }

        var path = System.IO.Path.Combine(workDirectory, $"bench-136m-{quantization}.gguf");
        if (!File.Exists(path) && !LLamaQuantizer.Quantize(f32, path, type, Threads))
        {
            throw new InvalidOperationException($"Quantizing to {quantization} failed.");
        }

        return new BenchmarkModel(quantization, path);
    }

    public long FileBytes => new FileInfo(Path).Length;
}
