using System.ComponentModel.DataAnnotations;
using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Extensions;

/// <summary>The "Memory" configuration section.</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "Memory";

    /// <summary>Where the embedded store keeps its database.</summary>
    [Required]
    public string DataDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "tomodachi", "memory");

    /// <summary>The Qdrant collection used when <c>ConnectionStrings:qdrant</c> is set.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$")]
    public string QdrantCollection { get; set; } = "tomodachi_memories";

    /// <summary>
    /// A GGUF embedding model: a local path or <c>hf:&lt;owner&gt;/&lt;repo&gt;/&lt;file&gt;.gguf</c> (downloaded into
    /// <c>Memory:ModelCache</c>, by default the inference service's <c>~/.cache/tomodachi/models</c>). Empty: the
    /// model-free lexical embedder.
    /// </summary>
    public string EmbeddingModel { get; set; } = "";

    public EmbeddingPooling EmbeddingPooling { get; set; } = EmbeddingPooling.Auto;

    /// <summary>Tokens of a text the model sees (at most the model's own context); longer texts are cut.</summary>
    [Range(16, 131_072)]
    public int EmbeddingContextSize { get; set; } = 2048;

    /// <summary>llama.cpp threads for embedding; 0 uses every core.</summary>
    [Range(0, 256)]
    public int EmbeddingThreads { get; set; }
}
