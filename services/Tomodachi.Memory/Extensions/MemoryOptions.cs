using System.ComponentModel.DataAnnotations;
using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Extensions;

/// <summary>The "Memory" configuration section.</summary>
public sealed class MemoryOptions : IValidatableObject
{
    public const string SectionName = "Memory";

    /// <summary>Where the embedded store keeps its database.</summary>
    [Required]
    public string DataDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "tomodachi", "memory");

    /// <summary>Where memories live: the embedded store, or Qdrant at <c>ConnectionStrings:qdrant</c>.</summary>
    public MemoryBackend Backend { get; set; } = MemoryBackend.Embedded;

    /// <summary>The Qdrant collection (an alias; see QdrantMemoryStore) used when <see cref="Backend"/> is Qdrant.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$")]
    public string QdrantCollection { get; set; } = "tomodachi_memories";

    /// <summary>Which embedder turns text into vectors.</summary>
    public EmbedderChoice Embedder { get; set; } = EmbedderChoice.Onnx;

    /// <summary>The packaged sentence model run when <see cref="Embedder"/> is <c>Onnx</c>.</summary>
    [Required]
    public string OnnxModel { get; set; } = SentenceModel.MiniLm.Id;

    /// <summary>Where the packaged models' assemblies lie (build/SentenceModels.props copies them there).</summary>
    [Required]
    public string OnnxModelDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>Texts an ONNX model embeds in one run (StoreBatch, Import and re-embedding send many at once).</summary>
    [Range(1, 256)]
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>
    /// A GGUF embedding model, used when <see cref="Embedder"/> is <c>Gguf</c>: a local path or
    /// <c>hf:&lt;owner&gt;/&lt;repo&gt;/&lt;file&gt;.gguf</c> (downloaded into <c>Memory:ModelCache</c>, by default the
    /// inference service's <c>~/.cache/tomodachi/models</c>).
    /// </summary>
    public string EmbeddingModel { get; set; } = "";

    public EmbeddingPooling EmbeddingPooling { get; set; } = EmbeddingPooling.Auto;

    /// <summary>Tokens of a text the model sees (at most the model's own context); longer texts are cut.</summary>
    [Range(16, 131_072)]
    public int EmbeddingContextSize { get; set; } = 2048;

    /// <summary>ONNX Runtime or llama.cpp threads for embedding; 0 uses every core.</summary>
    [Range(0, 256)]
    public int EmbeddingThreads { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Embedder == EmbedderChoice.Gguf && string.IsNullOrWhiteSpace(EmbeddingModel))
        {
            yield return new ValidationResult("Memory:Embedder is Gguf but Memory:EmbeddingModel names no model (a .gguf path or hf:<owner>/<repo>/<file>.gguf).",
                [nameof(EmbeddingModel)]);
        }

        if (Embedder != EmbedderChoice.Gguf && !string.IsNullOrWhiteSpace(EmbeddingModel))
        {
            yield return new ValidationResult($"Memory:EmbeddingModel names a GGUF model, but Memory:Embedder is {Embedder}: set Memory:Embedder=Gguf to use it, or clear Memory:EmbeddingModel.",
                [nameof(EmbeddingModel)]);
        }

        if (SentenceModel.Find(OnnxModel) is null)
        {
            yield return new ValidationResult($"Memory:OnnxModel '{OnnxModel}' is not a packaged model; choose one of {string.Join(", ", SentenceModel.Packaged.Select(m => m.Id))}.",
                [nameof(OnnxModel)]);
        }
    }
}

/// <summary>The backends the service can keep memories in (<c>Memory:Backend</c>).</summary>
public enum MemoryBackend
{
    /// <summary>SQLite plus an in-memory vector index, in <c>Memory:DataDirectory</c>.</summary>
    Embedded,

    /// <summary>A Qdrant server named by <c>ConnectionStrings:qdrant</c>.</summary>
    Qdrant,
}

/// <summary>The embedders the service can run (<c>Memory:Embedder</c>).</summary>
public enum EmbedderChoice
{
    /// <summary>A packaged sentence-embedding model on ONNX Runtime: meaning, not just words (the default).</summary>
    Onnx,

    /// <summary>The model-free hashing of words and trigrams: finds shared words only.</summary>
    Lexical,

    /// <summary>A GGUF embedding model on llama.cpp (<c>Memory:EmbeddingModel</c>).</summary>
    Gguf,
}
