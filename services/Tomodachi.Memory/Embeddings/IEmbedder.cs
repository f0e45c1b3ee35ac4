namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// Turns text into a unit-length vector. Swappable: the stored collection remembers <see cref="Name"/> and
/// <see cref="Dimension"/>, so vectors of different embedders are never mixed.
/// </summary>
public interface IEmbedder
{
    /// <summary>A stable name that changes whenever the vectors it produces would change.</summary>
    string Name { get; }

    int Dimension { get; }

    /// <summary>Returns an L2-normalised vector of <see cref="Dimension"/> floats.</summary>
    ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken);
}
