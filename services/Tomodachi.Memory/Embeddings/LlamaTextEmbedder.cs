using System.Numerics.Tensors;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Tomodachi.Memory.Extensions;
using Tomodachi.Models.Gguf;
using Tomodachi.Models.Llama;

namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// A GGUF embedding model run by LLamaSharp's <see cref="LLamaEmbedder"/>: one pooled vector per text, scaled to unit
/// length. Its name is the model file plus the pooling, its dimension the model's n_embd, so the collection notices
/// when either changes. The embedder owns one llama.cpp context, which cannot run two texts at once: calls take turns.
/// </summary>
public sealed class LlamaTextEmbedder : IEmbedder, IDisposable
{
    // A text is cut by this share more than its token count says, so the next try nearly always fits.
    private const double CutMargin = 0.9;
    private const int MaxFitAttempts = 8;

    private readonly LLamaWeights weights;
    private readonly LLamaEmbedder embedder;
    private readonly int maxTokens;
    private readonly SemaphoreSlim turn = new(1, 1);

    private LlamaTextEmbedder(LLamaWeights weights, LLamaEmbedder embedder, string name, int maxTokens)
    {
        this.weights = weights;
        this.embedder = embedder;
        this.maxTokens = maxTokens;
        Name = name;
        Dimension = embedder.EmbeddingSize;
    }

    public string Name { get; }

    public int Dimension { get; }

    /// <summary>Loads <paramref name="path"/>; a file that is missing or not GGUF fails with a readable reason before llama.cpp sees it.</summary>
    public static LlamaTextEmbedder Load(string path, MemoryOptions options, ILogger logger)
    {
        var file = GgufReader.Read(path);
        // Before anything that touches llama.cpp (ModelParams does): the log callback can only be set first.
        LlamaNative.EnsureLoaded(logger);
        var pooling = Pooling(options.EmbeddingPooling, file.PoolingType);
        var contextSize = file.ContextLength == 0
            ? (uint)options.EmbeddingContextSize
            : Math.Min(file.ContextLength, (uint)options.EmbeddingContextSize);
        var threads = options.EmbeddingThreads > 0 ? options.EmbeddingThreads : Environment.ProcessorCount;
        // A whole text goes into one batch (non-causal models need that), so the batch is as large as the context.
        var parameters = new ModelParams(path)
        {
            ContextSize = contextSize,
            BatchSize = contextSize,
            UBatchSize = contextSize,
            Embeddings = true,
            PoolingType = pooling,
            Threads = threads,
            BatchThreads = threads,
        };

        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            var name = $"gguf:{Path.GetFileName(path)}:{pooling.ToString().ToLowerInvariant()}";
            return new LlamaTextEmbedder(weights, new LLamaEmbedder(weights, parameters, logger), name, (int)contextSize);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Texts go one at a time through the single context; questions and passages are embedded alike.</summary>
    public async ValueTask<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken)
    {
        var embeddings = new List<TextEmbedding>(texts.Count);
        foreach (var text in texts)
        {
            embeddings.Add(await EmbedOneAsync(text, cancellationToken));
        }

        return embeddings;
    }

    private async ValueTask<TextEmbedding> EmbedOneAsync(string text, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            var (fitted, tokens) = Fit(text);
            var vectors = await embedder.GetEmbeddings(fitted, cancellationToken);
            // With pooling there is exactly one vector per text.
            var vector = vectors[0];
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }

            return new TextEmbedding(vector, tokens);
        }
        finally
        {
            turn.Release();
        }
    }

    public void Dispose()
    {
        embedder.Dispose();
        weights.Dispose();
        turn.Dispose();
    }

    /// <summary>Cuts a text the context cannot hold down to its beginning, which is what the model then sees.</summary>
    private (string Text, int Tokens) Fit(string text)
    {
        for (var attempt = 0; attempt < MaxFitAttempts; attempt++)
        {
            var tokens = weights.Tokenize(text, add_bos: true, special: false, Encoding.UTF8).Length;
            if (tokens <= maxTokens)
            {
                return (text, tokens);
            }

            var cut = Math.Max(1, (int)(text.Length * CutMargin * maxTokens / tokens));
            text = text[..(char.IsHighSurrogate(text[cut - 1]) ? cut - 1 : cut)];
        }

        throw new InvalidOperationException($"The text could not be cut to the model's {maxTokens} tokens.");
    }

    private static LLamaPoolingType Pooling(EmbeddingPooling configured, uint fromFile) => configured switch
    {
        EmbeddingPooling.Mean => LLamaPoolingType.Mean,
        EmbeddingPooling.Cls => LLamaPoolingType.CLS,
        EmbeddingPooling.Last => LLamaPoolingType.Last,
        // A file without pooling (a chat model, say) still has to give one vector per text: mean is the usual choice.
        _ => fromFile switch
        {
            2 => LLamaPoolingType.CLS,
            3 => LLamaPoolingType.Last,
            _ => LLamaPoolingType.Mean,
        },
    };
}
