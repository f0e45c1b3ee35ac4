namespace Tomodachi.Memory.Embeddings;

/// <summary>How a model's per-token vectors become one vector per text (<c>Memory:EmbeddingPooling</c>).</summary>
public enum EmbeddingPooling
{
    /// <summary>What the GGUF file names (<c>{architecture}.pooling_type</c>); mean when it names none.</summary>
    Auto,
    Mean,
    Cls,
    Last,
}
