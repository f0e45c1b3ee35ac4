namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// Supplies the configured embedder, loading it on first use. A model embedder needs its file resolved (maybe
/// downloaded) and loaded before its name and dimension are known, so nothing asks for them earlier.
/// </summary>
public interface IEmbedderProvider
{
    /// <summary>What is configured, for messages while nothing is loaded: the lexical embedder's name or the model spec.</summary>
    string Configured { get; }

    /// <summary>The embedder; throws <see cref="EmbedderUnavailableException"/> with the reason when it cannot be used.</summary>
    ValueTask<IEmbedder> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The configured embedder cannot be used; the message says why and what to change.</summary>
public sealed class EmbedderUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
