namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// Turns texts into unit-length vectors. Swappable: the stored collection remembers <see cref="Name"/> and
/// <see cref="Dimension"/>, so vectors of different embedders are never mixed.
/// </summary>
public interface IEmbedder
{
    /// <summary>A stable name that changes whenever the vectors it produces would change.</summary>
    string Name { get; }

    int Dimension { get; }

    /// <summary>
    /// One L2-normalised vector of <see cref="Dimension"/> floats per text, in order. Several texts in one call let a
    /// model embed them in batches, which is far cheaper than one call each.
    /// </summary>
    ValueTask<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken);
}

/// <summary>What a text is embedded for: retrieval models may treat questions and the passages that answer them apart.</summary>
public enum EmbeddingKind
{
    /// <summary>A text to be found later (stored memories).</summary>
    Document,

    /// <summary>A text to search with.</summary>
    Query,
}

/// <summary>A text's vector and the number of tokens the embedder read of it.</summary>
public readonly record struct TextEmbedding(float[] Vector, int TokenCount);

public static class EmbedderExtensions
{
    /// <summary>One text's vector.</summary>
    public static async ValueTask<float[]> EmbedAsync(
        this IEmbedder embedder, string text, CancellationToken cancellationToken, EmbeddingKind kind = EmbeddingKind.Document) =>
        (await embedder.EmbedAsync([text], kind, cancellationToken))[0].Vector;
}
