using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Benchmarks;

/// <summary>The embedders the benchmarks compare: the lexical one and every packaged sentence model.</summary>
internal static class BenchmarkEmbedders
{
    public const int BatchSize = 32;

    public static IReadOnlyList<IEmbedder> All(int threads) =>
    [
        new LexicalEmbedder(),
        .. SentenceModel.Packaged.Select(model => Load(model, threads)),
    ];

    public static OnnxSentenceEmbedder Load(SentenceModel model, int threads) =>
        OnnxSentenceEmbedder.Load(model, Path.Combine(AppContext.BaseDirectory, "models", model.AssemblyFile), threads, BatchSize);
}
