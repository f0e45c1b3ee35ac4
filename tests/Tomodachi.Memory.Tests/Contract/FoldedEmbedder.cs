using System.Numerics.Tensors;
using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Tests.Contract;

/// <summary>
/// A second, genuinely different embedder for the tests: the lexical vector folded to 96 dimensions. Storing
/// with one and opening with the other is exactly the mismatch the service must detect and repair.
/// </summary>
public sealed class FoldedEmbedder : IEmbedder
{
    public string Name => "lexical-hash-v1-folded";

    public int Dimension => 96;

    public ValueTask<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<TextEmbedding>>(texts.Select(text => new TextEmbedding(Fold(text), 1)).ToList());

    private float[] Fold(string text)
    {
        var full = LexicalEmbedder.Embed(text);
        var folded = new float[Dimension];
        for (var i = 0; i < full.Length; i++)
        {
            folded[i % Dimension] += full[i];
        }

        var norm = TensorPrimitives.Norm(folded);
        if (norm > 0)
        {
            TensorPrimitives.Divide(folded, norm, folded);
        }

        return folded;
    }
}
