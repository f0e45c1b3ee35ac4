using System.Runtime.CompilerServices;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Storage;
using Tomodachi.Memory.Telemetry;

namespace Tomodachi.Memory.Memories;

/// <summary>A memory to store; a null id or time gets a new id or the current time.</summary>
public sealed record MemoryDraft(
    Guid? Id,
    string Text,
    Speaker Speaker,
    string SessionId,
    DateTimeOffset? CreatedAt,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>The store's figures together with what the service knows about it.</summary>
public sealed record MemoryBankStats(StoreFigures Figures, string Backend, string Embedder, int Dimension, string? Problem);

/// <summary>
/// What the service does with memories, whatever the backend: embeds text, refuses vector work while the
/// stored vectors come from another embedder (or the configured one cannot be loaded), records metrics and tells
/// watchers about every change.
/// </summary>
public sealed partial class MemoryBank(
    IMemoryStore store,
    IEmbedderProvider embedders,
    MemoryChangeFeed changes,
    MemoryMetrics metrics,
    TimeProvider time,
    ILogger<MemoryBank> logger)
{
    private readonly SemaphoreSlim openGate = new(1, 1);
    private volatile IEmbedder? embedder;
    private volatile EmbedderIdentity? configured;
    private volatile EmbedderIdentity? stored;
    private volatile string? openFailure;

    public string Backend => store.Backend;

    /// <summary>
    /// Loads the embedder and opens the store once; safe to call from every request, and retried after a failure.
    /// </summary>
    /// <exception cref="MemoryStoreNotReadyException">The configured embedder cannot be used.</exception>
    /// <exception cref="MemoryStoreUnavailableException">The store cannot be opened.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (stored is not null)
        {
            return;
        }

        await openGate.WaitAsync(cancellationToken);
        try
        {
            if (stored is not null)
            {
                return;
            }

            var current = await LoadEmbedderAsync(cancellationToken);
            var identity = new EmbedderIdentity(current.Name, current.Dimension);
            embedder = current;
            configured = identity;
            stored = await store.OpenAsync(identity, cancellationToken);
            openFailure = null;
            LogOpened(store.Backend, identity.Name);
            if (stored != identity)
            {
                LogEmbedderMismatch(stored.Name, stored.Dimension, identity.Name, identity.Dimension);
            }
            else
            {
                // One unrecorded search now: otherwise a fresh process compiles the embedder and the search on the
                // first chat's time, and on a busy machine that alone outlasts the inference service's memory budget.
                await store.SearchAsync(await current.EmbedAsync("warm-up", cancellationToken, EmbeddingKind.Query), 1, new MemoryFilter(), cancellationToken);
            }
        }
        catch (Exception e) when (e is not (OperationCanceledException or MemoryStoreNotReadyException))
        {
            openFailure = $"The {store.Backend} store could not be opened: {e.Message}";
            LogOpenFailed(e, store.Backend);
            throw new MemoryStoreUnavailableException(openFailure, e);
        }
        finally
        {
            openGate.Release();
        }
    }

    public async Task<IReadOnlyList<Guid>> StoreAsync(IReadOnlyList<MemoryDraft> drafts, CancellationToken cancellationToken)
    {
        await RequireSearchableAsync(cancellationToken);
        var now = time.GetUtcNow();
        var vectors = await Embedder.EmbedAsync(drafts.Select(d => d.Text).ToList(), EmbeddingKind.Document, cancellationToken);
        var memories = new List<EmbeddedMemory>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var createdAt = Microseconds.Truncate(draft.CreatedAt ?? now);
            var id = draft.Id ?? Guid.CreateVersion7(createdAt);
            var entry = new MemoryEntry(id, draft.Text, draft.Speaker, draft.SessionId, createdAt, draft.Metadata);
            memories.Add(new EmbeddedMemory(entry, vectors[i].Vector));
        }

        await store.UpsertAsync(memories, cancellationToken);
        metrics.RecordStored(store.Backend, memories.Count);
        changes.Publish();
        return memories.Select(m => m.Entry.Id).ToList();
    }

    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(string query, int k, MemoryFilter filter, CancellationToken cancellationToken)
    {
        await RequireSearchableAsync(cancellationToken);
        var started = time.GetTimestamp();
        var vector = await Embedder.EmbedAsync(query, cancellationToken, EmbeddingKind.Query);
        var hits = await store.SearchAsync(vector, k, filter, cancellationToken);
        metrics.RecordSearch(store.Backend, time.GetElapsedTime(started));
        return hits;
    }

    /// <summary>Embeds texts with the configured embedder; needs no store, only a usable embedder.</summary>
    /// <exception cref="MemoryStoreNotReadyException">The configured embedder cannot be used.</exception>
    public async Task<(IEmbedder Embedder, IReadOnlyList<TextEmbedding> Embeddings)> EmbedAsync(
        IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken)
    {
        var current = await LoadEmbedderAsync(cancellationToken);
        return (current, await current.EmbedAsync(texts, kind, cancellationToken));
    }

    public async Task<MemoryEntry> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        return await store.GetAsync(id, cancellationToken) ?? throw new MemoryNotFoundException(id);
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        if (await store.DeleteAsync(id, cancellationToken) == 0)
        {
            throw new MemoryNotFoundException(id);
        }

        changes.Publish();
    }

    public async Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var deleted = await store.DeleteSessionAsync(sessionId, cancellationToken);
        if (deleted > 0)
        {
            changes.Publish();
        }

        return deleted;
    }

    public async IAsyncEnumerable<MemoryEntry> ExportAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        await foreach (var entry in store.ExportAsync(cancellationToken))
        {
            yield return entry;
        }
    }

    /// <summary>Never fails for a broken store: the stats then carry the problem, so a dashboard can show it.</summary>
    public async Task<MemoryBankStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var figures = StoreFigures.Empty;
        try
        {
            await OpenAsync(cancellationToken);
            figures = await store.GetFiguresAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            openFailure ??= $"The {store.Backend} store cannot be read: {e.Message}";
        }

        var stats = new MemoryBankStats(figures, store.Backend, configured?.Name ?? embedders.Configured, configured?.Dimension ?? 0, Problem);
        metrics.Report(stats);
        return stats;
    }

    public async Task<long> ReindexAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var started = time.GetTimestamp();
        var count = await store.ReindexAsync(Embedder, cancellationToken);
        stored = configured;
        LogReindexed(count, Embedder.Name, (long)time.GetElapsedTime(started).TotalMilliseconds);
        changes.Publish();
        return count;
    }

    // Set before the store is opened, so every caller past OpenAsync sees it.
    private IEmbedder Embedder => embedder ?? throw new InvalidOperationException("The memory bank is not open.");

    private string? Problem =>
        openFailure ?? (stored is { } s && s != configured ? MismatchMessage(s) : null);

    private async Task<IEmbedder> LoadEmbedderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await embedders.GetAsync(cancellationToken);
        }
        catch (EmbedderUnavailableException e)
        {
            // Reads need the store and the store needs the embedder's identity, so everything but the stats waits
            // for a usable embedder; the stats and health carry the reason meanwhile.
            openFailure = e.Message;
            throw new MemoryStoreNotReadyException(e.Message);
        }
    }

    private async Task RequireSearchableAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        if (stored is { } s && s != configured)
        {
            throw new MemoryStoreNotReadyException(MismatchMessage(s));
        }
    }

    private string MismatchMessage(EmbedderIdentity s) =>
        $"The stored memories were embedded with {s}, but this service embeds with {configured}. " +
        "Call Reindex to re-embed them, or configure the previous embedder again.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored vectors come from embedder {StoredName} ({StoredDimension} dims) but {ConfiguredName} ({ConfiguredDimension} dims) is configured: searches and writes are refused until Reindex")]
    private partial void LogEmbedderMismatch(string storedName, int storedDimension, string configuredName, int configuredDimension);

    [LoggerMessage(Level = LogLevel.Information, Message = "Memories are kept in the {Backend} store and embedded with {Embedder}")]
    private partial void LogOpened(string backend, string embedder);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Backend} memory store could not be opened")]
    private partial void LogOpenFailed(Exception exception, string backend);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-embedded {Count} memories with {Embedder} in {ElapsedMs} ms")]
    private partial void LogReindexed(long count, string embedder, long elapsedMs);
}
