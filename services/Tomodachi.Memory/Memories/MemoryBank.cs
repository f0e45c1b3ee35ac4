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
    IReadOnlyDictionary<string, string> Metadata,
    bool Pinned = false,
    Origin Origin = Origin.Stored);

/// <summary>The store's figures together with what the service knows about it.</summary>
public sealed record MemoryBankStats(
    StoreFigures Figures, string Backend, string Embedder, int Dimension, string? Problem, ReembeddingProgress? Reembedding = null);

/// <summary>
/// What the service does with memories, whatever the backend: embeds text, records metrics and tells watchers about
/// every change. When the stored vectors come from another embedder than the configured one, it re-embeds them in the
/// background (<see cref="ReembeddingWorker"/>) from the stored text: searches keep answering from the old vectors
/// (with the old embedder, when it can still run) until every memory has a new vector, and then switch at once.
/// </summary>
public sealed partial class MemoryBank(
    IMemoryStore store,
    IEmbedderProvider embedders,
    PreviousEmbedders previous,
    RetrievalTracker retrievals,
    MemoryChangeFeed changes,
    MemoryMetrics metrics,
    TimeProvider time,
    ILogger<MemoryBank> logger)
{
    private const int ReembedBatch = 64;
    private static readonly TimeSpan ReembedRetryDelay = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim openGate = new(1, 1);
    private readonly SemaphoreSlim reembedSignal = new(0, 1);
    private volatile IEmbedder? configured;
    // The embedder of the live vectors: the configured one, or during a re-embedding the previous one (null when that
    // one cannot run any more).
    private volatile IEmbedder? live;
    private volatile EmbedderIdentity? stored;
    private volatile ReembeddingProgress? reembedding;
    private volatile TaskCompletionSource<long>? reembedded;
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
            var identity = Identity(current);
            configured = current;
            var found = await store.OpenAsync(identity, cancellationToken);
            var under = await store.GetReembeddingAsync(cancellationToken);
            if (found == identity && under is not null && under.Target != identity)
            {
                // The configuration went back to the live vectors' embedder: what was re-embedded is of no use.
                await store.AbandonReembeddingAsync(cancellationToken);
                under = null;
            }
            else if (found != identity && under?.Target != identity)
            {
                await store.BeginReembeddingAsync(identity, cancellationToken);
                under = await store.GetReembeddingAsync(cancellationToken);
            }

            live = found == identity ? current : previous.TryCreate(found.Name);
            reembedding = under;
            stored = found;
            openFailure = null;
            LogOpened(store.Backend, identity.Name);
            if (under is not null)
            {
                LogReembedding(found.Name, found.Dimension, identity.Name, identity.Dimension, under.Done, under.Total, live is not null);
                reembedSignal.Release();
            }

            if (live is { } searching)
            {
                // One unrecorded search now: otherwise a fresh process compiles the embedder and the search on the
                // first chat's time, and on a busy machine that alone outlasts the inference service's memory budget.
                await store.SearchAsync(await searching.EmbedAsync("warm-up", cancellationToken, EmbeddingKind.Query), 1, MemoryFilter.None, cancellationToken);
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
        await OpenAsync(cancellationToken);
        var (vectors, targetVectors) = await EmbedForStorageAsync(drafts.Select(d => d.Text).ToList(), cancellationToken);
        var now = time.GetUtcNow();
        var memories = new List<EmbeddedMemory>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var createdAt = Microseconds.Truncate(draft.CreatedAt ?? now);
            var id = draft.Id ?? Guid.CreateVersion7(createdAt);
            var entry = new MemoryEntry(id, draft.Text, draft.Speaker, draft.SessionId, createdAt, draft.Metadata, draft.Pinned, draft.Origin);
            memories.Add(new EmbeddedMemory(entry, vectors?[i].Vector, targetVectors?[i].Vector));
        }

        await store.UpsertAsync(memories, cancellationToken);
        metrics.RecordStored(store.Backend, memories.Count);
        changes.Publish();
        return memories.Select(m => m.Entry.Id).ToList();
    }

    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(string query, int k, MemoryFilter filter, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var started = time.GetTimestamp();
        // A re-embedding may complete between embedding the query and searching: the store notices, and the query is
        // embedded once more with the embedder of the vectors that are live now.
        for (var attempt = 1; ; attempt++)
        {
            var searching = live ?? throw new MemoryStoreNotReadyException(WaitingMessage());
            var vector = await searching.EmbedAsync(query, cancellationToken, EmbeddingKind.Query);
            try
            {
                var hits = await store.SearchAsync(vector, k, filter, cancellationToken, Identity(searching));
                metrics.RecordSearch(store.Backend, time.GetElapsedTime(started));
                retrievals.Record(hits);
                return hits;
            }
            catch (StaleQueryException) when (attempt == 1)
            {
            }
        }
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

    /// <summary>Deletes every memory, pinned ones included; returns how many.</summary>
    public async Task<long> DeleteAllAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var deleted = await store.DeleteAllAsync(cancellationToken);
        changes.Publish();
        return deleted;
    }

    /// <summary>Deletes the unpinned memories that retention no longer keeps (see <see cref="IMemoryStore.DeleteExpiredAsync"/>).</summary>
    public async Task<long> DeleteExpiredAsync(DateTimeOffset? createdBefore, long? keepNewest, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var deleted = await store.DeleteExpiredAsync(createdBefore, keepNewest, cancellationToken);
        if (deleted > 0)
        {
            changes.Publish();
        }

        return deleted;
    }

    /// <summary>One page of memories, newest first, and where the next page starts (null on the last).</summary>
    public async Task<(IReadOnlyList<MemoryEntry> Page, ListCursor? Next)> ListAsync(
        MemoryListFilter filter, ListCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        // One more than asked says whether there is a next page without a count.
        var found = await store.ListAsync(filter, after, pageSize + 1, cancellationToken);
        if (found.Count <= pageSize)
        {
            return (found, null);
        }

        var last = found[pageSize - 1];
        return (found.Take(pageSize).ToList(), new ListCursor(Microseconds.FromTime(last.CreatedAt), last.Id));
    }

    /// <summary>
    /// Replaces a memory's text (embedded anew, so searches find the new text) and/or its pinned flag. Everything that
    /// can fail — the memory missing, the embedder — fails before anything is written.
    /// </summary>
    /// <exception cref="MemoryNotFoundException">No memory has the id.</exception>
    public async Task<MemoryEntry> UpdateAsync(Guid id, string? text, bool? pinned, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var entry = await store.GetAsync(id, cancellationToken) ?? throw new MemoryNotFoundException(id);
        var change = new MemoryChange(null, null, null, pinned);
        if (text is not null)
        {
            // Without a live embedder the new text could not be found until a re-embedding completes.
            _ = live ?? throw new MemoryStoreNotReadyException(WaitingMessage());
            var (vectors, targetVectors) = await EmbedForStorageAsync([text], cancellationToken);
            change = change with { Text = text, Vector = vectors![0].Vector, TargetVector = targetVectors?[0].Vector };
        }

        if (!await store.UpdateAsync(id, change, cancellationToken))
        {
            throw new MemoryNotFoundException(id);
        }

        changes.Publish();
        return entry with { Text = text ?? entry.Text, Pinned = pinned ?? entry.Pinned };
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

        var identity = configured is { } c ? Identity(c) : null;
        var stats = new MemoryBankStats(figures, store.Backend, identity?.Name ?? embedders.Configured, identity?.Dimension ?? 0, Problem, reembedding);
        metrics.Report(stats);
        return stats;
    }

    /// <summary>
    /// What searches returned since the service started, with the memories counted against the store as it is now
    /// (one pass over it: a diagnostic, not a per-request call).
    /// </summary>
    public async Task<(RetrievalFigures Figures, long Memories, long Retrieved, long LowScoreOnly)> GetRetrievalStatsAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var figures = retrievals.Read();
        long memories = 0, retrieved = 0, lowScoreOnly = 0;
        await foreach (var entry in store.ExportAsync(cancellationToken))
        {
            memories++;
            retrieved += figures.Retrieved.Contains(entry.Id) ? 1 : 0;
            lowScoreOnly += figures.LowScoreOnly.Contains(entry.Id) ? 1 : 0;
        }

        return (figures, memories, retrieved, lowScoreOnly);
    }

    /// <summary>Re-embeds every memory with the configured embedder (also when the vectors are already its own) and waits for it.</summary>
    public async Task<long> ReindexAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var done = reembedded?.Task;
        if (reembedding is null)
        {
            await openGate.WaitAsync(cancellationToken);
            try
            {
                await store.BeginReembeddingAsync(Identity(Configured), cancellationToken);
                reembedding = await store.GetReembeddingAsync(cancellationToken);
                done = StartWaiting();
            }
            finally
            {
                openGate.Release();
            }
        }

        done ??= StartWaiting();
        Signal();
        return await done.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The background half of re-embedding, run by <see cref="ReembeddingWorker"/>: embeds the memories that lack a new
    /// vector in batches, and makes the new vectors live once every memory has one.
    /// </summary>
    public async Task RunReembeddingAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            await reembedSignal.WaitAsync(stoppingToken);
            try
            {
                await ReembedAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store that went away or a batch the embedder refused: what is done is kept; try again in a while.
                LogReembedFailed(e);
                await Task.Delay(ReembedRetryDelay, time, stoppingToken);
                Signal();
            }
        }
    }

    private async Task ReembedAllAsync(CancellationToken stoppingToken)
    {
        while (reembedding is not null)
        {
            var next = await store.NextToReembedAsync(ReembedBatch, stoppingToken);
            if (next.Count > 0)
            {
                var vectors = await Configured.EmbedAsync(next.Select(n => n.Text).ToList(), EmbeddingKind.Document, stoppingToken);
                await store.AddReembeddedAsync(next.Select((n, i) => (n.Id, vectors[i].Vector)).ToList(), stoppingToken);
                reembedding = await store.GetReembeddingAsync(stoppingToken);
                changes.Publish();
                continue;
            }

            await CompleteAsync(stoppingToken);
        }
    }

    /// <summary>
    /// Vectors for new texts: the live embedder's (null while it cannot run) and, during a re-embedding, the target's.
    /// </summary>
    private async Task<(IReadOnlyList<TextEmbedding>? Live, IReadOnlyList<TextEmbedding>? Target)> EmbedForStorageAsync(
        IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var searching = live;
        var target = reembedding is null ? null : Configured;
        var vectors = searching is null ? null : await searching.EmbedAsync(texts, EmbeddingKind.Document, cancellationToken);
        var targetVectors = target is null ? null : await target.EmbedAsync(texts, EmbeddingKind.Document, cancellationToken);
        return (vectors, targetVectors);
    }

    private IEmbedder Configured => configured ?? throw new InvalidOperationException("The memory bank is not open.");

    private string? Problem =>
        openFailure ?? (reembedding is not null && live is null ? WaitingMessage() : null);

    private static EmbedderIdentity Identity(IEmbedder embedder) => new(embedder.Name, embedder.Dimension);

    private async Task CompleteAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var total = reembedding?.Total ?? 0;
        // A memory stored while the batch ran may lack a new vector yet: then there is one more round.
        if (!await store.CompleteReembeddingAsync(cancellationToken))
        {
            return;
        }

        live = Configured;
        stored = Identity(Configured);
        reembedding = null;
        LogReembedded(total, Configured.Name, (long)time.GetElapsedTime(started).TotalMilliseconds);
        Interlocked.Exchange(ref reembedded, null)?.TrySetResult(total);
        changes.Publish();
    }

    private Task<long> StartWaiting()
    {
        var waiting = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref reembedded, waiting, null) ?? waiting).Task;
    }

    private void Signal()
    {
        try
        {
            reembedSignal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

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

    private string WaitingMessage() =>
        reembedding is { } r
            ? $"The memories are being re-embedded with {r.Target} ({r.Done} of {r.Total} done). The previous embedder " +
              $"{stored} cannot run here to search the old vectors, so searches answer again once the re-embedding completes."
            : "The memory bank is not open.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored vectors come from embedder {StoredName} ({StoredDimension} dims) but {ConfiguredName} ({ConfiguredDimension} dims) is configured: re-embedding in the background ({Done} of {Total} done); searches use the old vectors meanwhile: {OldEmbedderRuns}")]
    private partial void LogReembedding(string storedName, int storedDimension, string configuredName, int configuredDimension, long done, long total, bool oldEmbedderRuns);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-embedding failed; the memories re-embedded so far are kept and it is tried again shortly")]
    private partial void LogReembedFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Memories are kept in the {Backend} store and embedded with {Embedder}")]
    private partial void LogOpened(string backend, string embedder);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Backend} memory store could not be opened")]
    private partial void LogOpenFailed(Exception exception, string backend);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-embedded {Count} memories with {Embedder}; the new vectors are live ({ElapsedMs} ms to switch)")]
    private partial void LogReembedded(long count, string embedder, long elapsedMs);
}
