using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// Where memories and their vectors live. Every method that returns has made its change durable.
/// </summary>
public interface IMemoryStore : IAsyncDisposable
{
    /// <summary>"embedded" or "qdrant".</summary>
    string Backend { get; }

    /// <summary>
    /// Opens (or creates) the collection. A new collection is stamped with <paramref name="embedder"/>;
    /// an existing one answers with the embedder its vectors were made with.
    /// </summary>
    Task<EmbedderIdentity> OpenAsync(EmbedderIdentity embedder, CancellationToken cancellationToken);

    /// <summary>Stores the memories all or none; an existing id is replaced.</summary>
    Task UpsertAsync(IReadOnlyList<EmbeddedMemory> memories, CancellationToken cancellationToken);

    /// <summary>The <paramref name="k"/> memories most similar to a unit-length query, best first.</summary>
    Task<IReadOnlyList<MemoryHit>> SearchAsync(float[] query, int k, MemoryFilter filter, CancellationToken cancellationToken);

    Task<MemoryEntry?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Returns how many memories were removed (0 or 1).</summary>
    Task<long> DeleteAsync(Guid id, CancellationToken cancellationToken);

    Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Every memory, oldest first.</summary>
    IAsyncEnumerable<MemoryEntry> ExportAsync(CancellationToken cancellationToken);

    Task<StoreFigures> GetFiguresAsync(CancellationToken cancellationToken);

    /// <summary>Re-embeds every memory with <paramref name="embedder"/> and stamps the collection with it.</summary>
    Task<long> ReindexAsync(IEmbedder embedder, CancellationToken cancellationToken);
}
