using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// Browsing, correcting and forgetting memories in Qdrant (not run against a server here: the request shapes are
/// unit-tested). Qdrant orders a scroll by one payload field only, so listing newest first reads chunks ordered by time
/// and puts equal times in id order itself.
/// </summary>
public sealed partial class QdrantMemoryStore
{
    public Task<long> DeleteAllAsync(CancellationToken cancellationToken) =>
        // An empty filter matches every point.
        DeleteMatchingAsync(new Filter(), cancellationToken);

    public async Task<long> DeleteExpiredAsync(DateTimeOffset? createdBefore, long? keepNewest, CancellationToken cancellationToken)
    {
        long deleted = 0;
        if (createdBefore is { } before)
        {
            var old = Unpinned();
            old.Must.Add(Conditions.Range(CreatedField, new Qdrant.Client.Grpc.Range { Lt = Microseconds.FromTime(before) }));
            deleted += await DeleteMatchingAsync(old, cancellationToken);
        }

        if (keepNewest is { } keep)
        {
            var excess = (long)await client.CountAsync(collection, Unpinned(), exact: true, cancellationToken: cancellationToken) - keep;
            if (excess > 0)
            {
                var oldest = await client.ScrollAsync(
                    collection,
                    Unpinned(),
                    limit: (uint)Math.Min(excess, uint.MaxValue),
                    payloadSelector: false,
                    orderBy: new OrderBy { Key = CreatedField, Direction = Direction.Asc },
                    cancellationToken: cancellationToken);
                var ids = oldest.Result.Select(p => Guid.Parse(p.Id.Uuid)).ToList();
                deleted += await DeleteMatchingAsync(new Filter { Must = { HasId(ids) } }, cancellationToken);
            }
        }

        return deleted;
    }

    public async Task<bool> UpdateAsync(Guid id, MemoryChange change, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken) is not { } entry)
        {
            return false;
        }

        if (change.Text is { } text)
        {
            // New text means new vectors: the whole point is written again, in both collections during a re-embedding.
            var changed = entry with { Text = text, Pinned = change.Pinned ?? entry.Pinned };
            await UpsertAsync([new EmbeddedMemory(changed, change.Vector, change.TargetVector)], cancellationToken);
            return true;
        }

        if (change.Pinned is { } pinned)
        {
            var payload = new Dictionary<string, Value> { [PinnedField] = pinned };
            await client.SetPayloadAsync(collection, payload, id, wait: true, cancellationToken: cancellationToken);
            if (targetCollection is { } next)
            {
                await client.SetPayloadAsync(next, payload, id, wait: true, cancellationToken: cancellationToken);
            }
        }

        return true;
    }

    public async Task<IReadOnlyList<MemoryEntry>> ListAsync(MemoryListFilter filter, ListCursor? after, int limit, CancellationToken cancellationToken)
    {
        var page = new List<MemoryEntry>(limit);
        var cursor = after;
        var chunk = PageSize;
        while (page.Count < limit)
        {
            var scrolled = await client.ScrollAsync(
                collection,
                ToListFilter(filter, cursor),
                limit: chunk,
                payloadSelector: true,
                orderBy: new OrderBy { Key = CreatedField, Direction = Direction.Desc },
                cancellationToken: cancellationToken);
            var entries = scrolled.Result.Select(p => ToEntry(p.Id, p.Payload))
                .Where(e => cursor is null || IsBefore(e, cursor))
                .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id.ToString())
                .ToList();
            var full = scrolled.Result.Count == chunk;
            if (full)
            {
                // The chunk may have cut a run of equal times short: those come again with the next chunk.
                var last = entries.Count == 0 ? (DateTimeOffset?)null : entries[^1].CreatedAt;
                var complete = entries.Where(e => e.CreatedAt != last).ToList();
                if (complete.Count == 0)
                {
                    chunk *= 2;
                    continue;
                }

                entries = complete;
                chunk = PageSize;
            }

            foreach (var entry in entries)
            {
                cursor = new ListCursor(Microseconds.FromTime(entry.CreatedAt), entry.Id);
                if (filter.TextContains is not { } text || entry.Text.Contains(text, StringComparison.OrdinalIgnoreCase))
                {
                    page.Add(entry);
                    if (page.Count == limit)
                    {
                        break;
                    }
                }
            }

            if (!full)
            {
                break;
            }
        }

        return page;
    }

    private static bool IsBefore(MemoryEntry entry, ListCursor cursor)
    {
        var time = Microseconds.FromTime(entry.CreatedAt);
        return time < cursor.CreatedAtMicroseconds
            || (time == cursor.CreatedAtMicroseconds && string.CompareOrdinal(entry.Id.ToString(), cursor.Id.ToString()) < 0);
    }

    /// <summary>Every condition but the text, which Qdrant matches by case and by word only; the cursor's time is a bound.</summary>
    private static Filter ToListFilter(MemoryListFilter filter, ListCursor? cursor)
    {
        var query = ToFilter(new MemoryFilter(filter.SessionId, filter.Speaker, filter.CreatedAfter, filter.CreatedBefore)) ?? new Filter();
        switch (filter.Origin)
        {
            case Origin.Imported:
                query.Must.Add(Match(OriginField, (long)Origin.Imported));
                break;
            case Origin.Stored:
                // Points from before origins were recorded have no origin field and count as stored.
                query.MustNot.Add(Match(OriginField, (long)Origin.Imported));
                break;
        }

        if (filter.PinnedOnly)
        {
            query.Must.Add(Match(PinnedField, true));
        }

        if (cursor is not null)
        {
            query.Must.Add(Conditions.Range(CreatedField, new Qdrant.Client.Grpc.Range { Lte = cursor.CreatedAtMicroseconds }));
        }

        return query;
    }

    private static Filter Unpinned() => new() { MustNot = { Match(PinnedField, true) } };

    /// <summary>Deletes the matching points from the live collection and from the one a re-embedding fills; returns how many were live.</summary>
    private async Task<long> DeleteMatchingAsync(Filter filter, CancellationToken cancellationToken)
    {
        var count = await client.CountAsync(collection, filter, exact: true, cancellationToken: cancellationToken);
        await client.DeleteAsync(collection, filter, wait: true, cancellationToken: cancellationToken);
        if (targetCollection is { } next)
        {
            await client.DeleteAsync(next, filter, wait: true, cancellationToken: cancellationToken);
        }

        return (long)count;
    }
}
