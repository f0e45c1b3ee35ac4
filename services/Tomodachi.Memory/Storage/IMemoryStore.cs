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
    /// <param name="madeBy">The embedder of <paramref name="query"/>; when given and the live vectors are no longer that
    /// embedder's (a re-embedding just completed), <see cref="StaleQueryException"/> says to embed the query again.</param>
    Task<IReadOnlyList<MemoryHit>> SearchAsync(
        float[] query, int k, MemoryFilter filter, CancellationToken cancellationToken, EmbedderIdentity? madeBy = null);

    Task<MemoryEntry?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Returns how many memories were removed (0 or 1).</summary>
    Task<long> DeleteAsync(Guid id, CancellationToken cancellationToken);

    Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Deletes every memory, pinned ones included; returns how many.</summary>
    Task<long> DeleteAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the unpinned memories created before <paramref name="createdBefore"/> and those beyond the newest
    /// <paramref name="keepNewest"/> unpinned ones (null: no limit of that kind); returns how many.
    /// </summary>
    Task<long> DeleteExpiredAsync(DateTimeOffset? createdBefore, long? keepNewest, CancellationToken cancellationToken);

    /// <summary>Applies the change; returns false (changing nothing) when no memory has the id.</summary>
    Task<bool> UpdateAsync(Guid id, MemoryChange change, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> memories matching the filter, newest first, after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<MemoryEntry>> ListAsync(MemoryListFilter filter, ListCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Every memory, oldest first.</summary>
    IAsyncEnumerable<MemoryEntry> ExportAsync(CancellationToken cancellationToken);

    Task<StoreFigures> GetFiguresAsync(CancellationToken cancellationToken);

    /// <summary>The re-embedding under way (it survives restarts), or null.</summary>
    Task<ReembeddingProgress?> GetReembeddingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts keeping <paramref name="target"/>'s vectors beside the live ones. A re-embedding towards another target is
    /// dropped with its vectors; one towards the same target goes on where it was.
    /// </summary>
    Task BeginReembeddingAsync(EmbedderIdentity target, CancellationToken cancellationToken);

    /// <summary>Drops the re-embedding under way and its vectors; the live vectors stay.</summary>
    Task AbandonReembeddingAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> memories that have no vector of the target embedder yet.</summary>
    Task<IReadOnlyList<(Guid Id, string Text)>> NextToReembedAsync(int max, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the target embedder's vectors of memories that still exist and have none yet (a memory deleted meanwhile is
    /// skipped, and a vector that <see cref="UpsertAsync"/> wrote for newer text is not overwritten).
    /// </summary>
    Task AddReembeddedAsync(IReadOnlyList<(Guid Id, float[] Vector)> vectors, CancellationToken cancellationToken);

    /// <summary>
    /// When every memory has a target vector, makes them the live vectors at once and stamps the collection with the
    /// target; returns false (and changes nothing) while some memory still lacks one.
    /// </summary>
    Task<bool> CompleteReembeddingAsync(CancellationToken cancellationToken);
}

/// <summary>A search's query came from the embedder whose vectors were just replaced: embed it again and retry.</summary>
public sealed class StaleQueryException(string message) : Exception(message);
