using System.Data.Common;
using System.Runtime.CompilerServices;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using Tomodachi.Memory.Embeddings;
using static Qdrant.Client.Grpc.Conditions;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// Memories as points of a Qdrant collection (cosine distance, the embedder's dimension), with payload indexes on
/// session, role and time, reached through an alias (<c>Memory:QdrantCollection</c>) that names the live collection
/// (<c>&lt;alias&gt;_&lt;UTC time&gt;</c>). Every write waits for Qdrant to apply it (wait=true), so a reply means the
/// change is in Qdrant's WAL. The embedder is recorded in each collection's metadata. A re-embedding fills a second
/// collection (writes and deletes go to both meanwhile), then switches the alias to it in one request and drops the old
/// one: the live collection is never deleted before its successor is complete.
/// </summary>
public sealed partial class QdrantMemoryStore(QdrantClient client, string collection, ILogger<QdrantMemoryStore> logger, TimeProvider time)
    : IMemoryStore
{
    public const string BackendName = "qdrant";

    private const string TextField = "text";
    private const string RoleField = "role";
    private const string SessionField = "session_id";
    private const string CreatedField = "created_at_us";
    private const string MetadataField = "metadata";
    private const string PinnedField = "pinned";
    private const string OriginField = "origin";
    private const string EmbedderKey = "embedder";
    private const string DimensionKey = "dimension";
    private const uint PageSize = 256;

    private volatile EmbedderIdentity? liveIdentity;
    // The physical collection the alias names, and the one a re-embedding fills (null when none).
    private volatile string? liveCollection;
    private volatile string? targetCollection;
    private PointId? reembedCursor;

    public string Backend => BackendName;

    /// <summary>
    /// Reads "Endpoint=http://host:6334;Key=..." (the form Aspire passes) or a bare URL.
    /// </summary>
    public static QdrantClient CreateClient(string connectionString, ILoggerFactory loggerFactory)
    {
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var bare))
        {
            return new QdrantClient(bare, loggerFactory: loggerFactory);
        }

        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException("ConnectionStrings:qdrant must be a URL or hold Endpoint=<URL of the gRPC port 6334>.");
        }

        var key = parts.TryGetValue("Key", out var value) ? value?.ToString() : null;
        return new QdrantClient(uri, apiKey: key, loggerFactory: loggerFactory);
    }

    public async Task<EmbedderIdentity> OpenAsync(EmbedderIdentity embedder, CancellationToken cancellationToken)
    {
        var aliases = await client.ListAliasesAsync(cancellationToken);
        var collections = await client.ListCollectionsAsync(cancellationToken);
        if (aliases.FirstOrDefault(a => a.AliasName == collection) is { } alias)
        {
            liveCollection = alias.CollectionName;
        }
        else if (collections.Contains(collection))
        {
            // A collection of an older version, made before aliases: it stays live until a re-embedding replaces it.
            liveCollection = collection;
        }
        else
        {
            liveCollection = NewCollectionName();
            await CreateCollectionAsync(liveCollection, embedder, cancellationToken);
            await client.CreateAliasAsync(collection, liveCollection, cancellationToken: cancellationToken);
            liveIdentity = embedder;
            return embedder;
        }

        targetCollection = collections.FirstOrDefault(c => c != liveCollection && IsOurs(c));
        liveIdentity = await ReadIdentityAsync(liveCollection, embedder, cancellationToken);
        return liveIdentity;
    }

    public async Task UpsertAsync(IReadOnlyList<EmbeddedMemory> memories, CancellationToken cancellationToken)
    {
        var live = memories.Where(m => m.Vector is not null).Select(m => ToPoint(m.Entry, m.Vector!)).ToList();
        if (live.Count > 0)
        {
            await client.UpsertAsync(collection, live, wait: true, cancellationToken: cancellationToken);
        }

        var target = memories.Where(m => m.TargetVector is not null).Select(m => ToPoint(m.Entry, m.TargetVector!)).ToList();
        if (target.Count > 0 && targetCollection is { } next)
        {
            await client.UpsertAsync(next, target, wait: true, cancellationToken: cancellationToken);
        }
    }

    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(
        float[] query, int k, MemoryFilter filter, CancellationToken cancellationToken, EmbedderIdentity? madeBy = null)
    {
        if (madeBy is not null && madeBy != liveIdentity)
        {
            throw new StaleQueryException($"The query was embedded with {madeBy}; the memories' vectors are now {liveIdentity}'s.");
        }

        var points = await client.QueryAsync(
            collection,
            query: query,
            filter: ToFilter(filter),
            scoreThreshold: filter.MinScore,
            limit: (ulong)k,
            payloadSelector: true,
            cancellationToken: cancellationToken);
        return points.Select(p => new MemoryHit(ToEntry(p.Id, p.Payload), p.Score)).ToList();
    }

    public async Task<MemoryEntry?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var points = await client.RetrieveAsync(collection, id, withPayload: true, withVectors: false, cancellationToken: cancellationToken);
        return points.Count == 0 ? null : ToEntry(points[0].Id, points[0].Payload);
    }

    public async Task<long> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        // Qdrant's delete does not say whether the point existed.
        var existed = await client.CountAsync(collection, HasId(id), exact: true, cancellationToken: cancellationToken);
        await client.DeleteAsync(collection, id, wait: true, cancellationToken: cancellationToken);
        if (targetCollection is { } next)
        {
            await client.DeleteAsync(next, id, wait: true, cancellationToken: cancellationToken);
        }

        return (long)existed;
    }

    public Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        DeleteMatchingAsync(new Filter { Must = { MatchKeyword(SessionField, sessionId) } }, cancellationToken);

    public async IAsyncEnumerable<MemoryEntry> ExportAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Ordered scrolling pages by value, not by offset: restart each page at the last time seen and skip
        // the points already sent at exactly that time.
        long? from = null;
        var sentAtFrom = new HashSet<Guid>();
        var limit = PageSize;
        while (true)
        {
            var orderBy = new OrderBy { Key = CreatedField, Direction = Direction.Asc };
            if (from is { } start)
            {
                orderBy.StartFrom = new StartFrom { Integer = start };
            }

            var page = await client.ScrollAsync(collection, limit: limit, payloadSelector: true, orderBy: orderBy, cancellationToken: cancellationToken);
            var fresh = page.Result.Where(p => !sentAtFrom.Contains(Guid.Parse(p.Id.Uuid))).ToList();
            foreach (var point in fresh)
            {
                var entry = ToEntry(point.Id, point.Payload);
                var micros = Microseconds.FromTime(entry.CreatedAt);
                if (micros != from)
                {
                    from = micros;
                    sentAtFrom.Clear();
                }

                sentAtFrom.Add(entry.Id);
                yield return entry;
            }

            if (page.Result.Count < limit)
            {
                yield break;
            }

            // A whole page at one timestamp: widen the page, or the next one would start at the same place.
            limit = fresh.Count == 0 ? limit * 2 : PageSize;
        }
    }

    public async Task<StoreFigures> GetFiguresAsync(CancellationToken cancellationToken)
    {
        var info = await client.GetCollectionInfoAsync(collection, cancellationToken);
        var count = (long)await client.CountAsync(collection, exact: true, cancellationToken: cancellationToken);
        var dimension = (long)info.Config.Params.VectorsConfig.Params.Size;
        // Qdrant does not report bytes; the vectors alone are points × dimension × 4 bytes, hence an estimate.
        var size = count * dimension * sizeof(float);
        return new StoreFigures(
            count,
            size,
            SizeIsEstimate: true,
            await EdgeAsync(Direction.Asc, cancellationToken),
            await EdgeAsync(Direction.Desc, cancellationToken));
    }

    public async Task<ReembeddingProgress?> GetReembeddingAsync(CancellationToken cancellationToken)
    {
        if (targetCollection is not { } next)
        {
            return null;
        }

        var target = await ReadIdentityAsync(next, null, cancellationToken);
        var done = await client.CountAsync(next, exact: true, cancellationToken: cancellationToken);
        var total = await client.CountAsync(collection, exact: true, cancellationToken: cancellationToken);
        return new ReembeddingProgress(target, (long)done, (long)total);
    }

    public async Task BeginReembeddingAsync(EmbedderIdentity target, CancellationToken cancellationToken)
    {
        if (targetCollection is { } existing)
        {
            if (await ReadIdentityAsync(existing, null, cancellationToken) == target)
            {
                return;
            }

            await AbandonReembeddingAsync(cancellationToken);
        }

        var next = NewCollectionName();
        await CreateCollectionAsync(next, target, cancellationToken);
        reembedCursor = null;
        targetCollection = next;
    }

    public async Task AbandonReembeddingAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref targetCollection, null) is { } next)
        {
            await client.DeleteCollectionAsync(next, cancellationToken: cancellationToken);
        }
    }

    public async Task<IReadOnlyList<(Guid Id, string Text)>> NextToReembedAsync(int max, CancellationToken cancellationToken)
    {
        var next = targetCollection ?? throw new InvalidOperationException("No re-embedding is under way.");
        // Pages of the live collection in id order from where the last one ended; the ones the target already holds
        // (written by Store meanwhile, or before a restart) are skipped. A pass that finds none missing is the end.
        while (true)
        {
            var page = await client.ScrollAsync(collection, limit: (uint)max, offset: reembedCursor, payloadSelector: true, cancellationToken: cancellationToken);
            reembedCursor = page.NextPageOffset;
            var ids = page.Result.Select(p => p.Id).ToList();
            var present = ids.Count == 0
                ? []
                : (await client.RetrieveAsync(next, ids, withPayload: false, withVectors: false, cancellationToken: cancellationToken))
                    .Select(p => p.Id.Uuid).ToHashSet();
            var missing = page.Result.Where(p => !present.Contains(p.Id.Uuid))
                .Select(p => (Guid.Parse(p.Id.Uuid), p.Payload[TextField].StringValue)).ToList();
            if (missing.Count > 0 || reembedCursor is null)
            {
                return missing;
            }
        }
    }

    public async Task AddReembeddedAsync(IReadOnlyList<(Guid Id, float[] Vector)> vectors, CancellationToken cancellationToken)
    {
        var next = targetCollection ?? throw new InvalidOperationException("No re-embedding is under way.");
        var ids = vectors.Select(v => new PointId { Uuid = v.Id.ToString() }).ToList();
        // Payloads come from the live collection, so a memory deleted meanwhile is not brought back; one that Store
        // already wrote to the target keeps that newer vector.
        var entries = (await client.RetrieveAsync(collection, ids, withPayload: true, withVectors: false, cancellationToken: cancellationToken))
            .ToDictionary(p => Guid.Parse(p.Id.Uuid), p => ToEntry(p.Id, p.Payload));
        var present = (await client.RetrieveAsync(next, ids, withPayload: false, withVectors: false, cancellationToken: cancellationToken))
            .Select(p => Guid.Parse(p.Id.Uuid)).ToHashSet();
        var points = vectors.Where(v => entries.ContainsKey(v.Id) && !present.Contains(v.Id)).Select(v => ToPoint(entries[v.Id], v.Vector)).ToList();
        if (points.Count > 0)
        {
            await client.UpsertAsync(next, points, wait: true, cancellationToken: cancellationToken);
        }
    }

    public async Task<bool> CompleteReembeddingAsync(CancellationToken cancellationToken)
    {
        var next = targetCollection ?? throw new InvalidOperationException("No re-embedding is under way.");
        var progress = await GetReembeddingAsync(cancellationToken);
        if (progress is null || progress.Done < progress.Total)
        {
            reembedCursor = null;
            return false;
        }

        var old = liveCollection!;
        if (old == collection)
        {
            // The pre-alias collection holds the alias's name: it must go before the alias can take that name.
            await client.DeleteCollectionAsync(old, cancellationToken: cancellationToken);
            await client.CreateAliasAsync(collection, next, cancellationToken: cancellationToken);
        }
        else
        {
            // One request, applied atomically: searches see the old collection or the new one, never neither.
            await client.UpdateAliasesAsync(
            [
                new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = collection } },
                new AliasOperations { CreateAlias = new CreateAlias { AliasName = collection, CollectionName = next } },
            ], cancellationToken: cancellationToken);
            await client.DeleteCollectionAsync(old, cancellationToken: cancellationToken);
        }

        LogSwitched(collection, old, next, progress.Total);
        liveCollection = next;
        targetCollection = null;
        liveIdentity = progress.Target;
        return true;
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task CreateCollectionAsync(string name, EmbedderIdentity embedder, CancellationToken cancellationToken)
    {
        await client.CreateCollectionAsync(
            name,
            new VectorParams { Size = (ulong)embedder.Dimension, Distance = Distance.Cosine },
            IdentityMetadata(embedder),
            cancellationToken: cancellationToken);
        await client.CreatePayloadIndexAsync(name, SessionField, PayloadSchemaType.Keyword, cancellationToken: cancellationToken);
        await client.CreatePayloadIndexAsync(name, RoleField, PayloadSchemaType.Integer, cancellationToken: cancellationToken);
        // An integer index with range support is what order_by needs for the oldest/newest queries.
        await client.CreatePayloadIndexAsync(name, CreatedField, PayloadSchemaType.Integer, cancellationToken: cancellationToken);
    }

    /// <summary>The embedder a collection's metadata names; a collection without (made by hand) is trusted when its size fits.</summary>
    private async Task<EmbedderIdentity> ReadIdentityAsync(string name, EmbedderIdentity? expected, CancellationToken cancellationToken)
    {
        var info = await client.GetCollectionInfoAsync(name, cancellationToken);
        if (info.Config.Metadata.TryGetValue(EmbedderKey, out var embedder) && info.Config.Metadata.TryGetValue(DimensionKey, out var dimension))
        {
            return new EmbedderIdentity(embedder.StringValue, (int)dimension.IntegerValue);
        }

        var size = (int)info.Config.Params.VectorsConfig.Params.Size;
        var found = expected is not null && size == expected.Dimension ? expected : new EmbedderIdentity("unknown", size);
        await client.UpdateCollectionAsync(name, metadata: IdentityMetadata(found), cancellationToken: cancellationToken);
        return found;
    }

    private string NewCollectionName() =>
        $"{collection}_{time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture)}";

    private bool IsOurs(string name) =>
        name.Length == collection.Length + 18 && name.StartsWith(collection + "_", StringComparison.Ordinal) && name[(collection.Length + 1)..].All(char.IsAsciiDigit);

    private async Task<DateTimeOffset?> EdgeAsync(Direction direction, CancellationToken cancellationToken)
    {
        var page = await client.ScrollAsync(
            collection,
            limit: 1,
            payloadSelector: new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { CreatedField } } },
            orderBy: new OrderBy { Key = CreatedField, Direction = direction },
            cancellationToken: cancellationToken);
        return page.Result.Count == 0 ? null : Microseconds.ToTime(page.Result[0].Payload[CreatedField].IntegerValue);
    }

    private static Dictionary<string, Value> IdentityMetadata(EmbedderIdentity identity) => new()
    {
        [EmbedderKey] = identity.Name,
        [DimensionKey] = (long)identity.Dimension,
    };

    private static PointStruct ToPoint(MemoryEntry entry, float[] vector) => new()
    {
        Id = entry.Id,
        Vectors = vector,
        Payload =
        {
            [TextField] = entry.Text,
            [RoleField] = (long)entry.Speaker,
            [SessionField] = entry.SessionId,
            [CreatedField] = Microseconds.FromTime(entry.CreatedAt),
            [MetadataField] = entry.Metadata.ToDictionary(m => m.Key, m => (Value)m.Value),
            [PinnedField] = entry.Pinned,
            [OriginField] = (long)entry.Origin,
        },
    };

    private static MemoryEntry ToEntry(PointId id, IDictionary<string, Value> payload) => new(
        Guid.Parse(id.Uuid),
        payload[TextField].StringValue,
        (Speaker)payload[RoleField].IntegerValue,
        payload[SessionField].StringValue,
        Microseconds.ToTime(payload[CreatedField].IntegerValue),
        payload.TryGetValue(MetadataField, out var metadata) && metadata.StructValue is { } fields
            ? fields.Fields.ToDictionary(f => f.Key, f => f.Value.StringValue)
            : [],
        // Points written before memories could be pinned or imported lack the fields: unpinned, stored.
        payload.TryGetValue(PinnedField, out var pinned) && pinned.BoolValue,
        payload.TryGetValue(OriginField, out var origin) ? (Origin)origin.IntegerValue : Origin.Stored);

    private static Filter? ToFilter(MemoryFilter filter)
    {
        var must = new Filter();
        if (filter.SessionId is { } session)
        {
            must.Must.Add(MatchKeyword(SessionField, session));
        }

        if (filter.Speaker is { } speaker)
        {
            must.Must.Add(Match(RoleField, (long)speaker));
        }

        if (filter.CreatedAfter is not null || filter.CreatedBefore is not null)
        {
            var range = new Qdrant.Client.Grpc.Range();
            if (filter.CreatedAfter is { } after)
            {
                range.Gte = Microseconds.FromTime(after);
            }

            if (filter.CreatedBefore is { } before)
            {
                range.Lt = Microseconds.FromTime(before);
            }

            must.Must.Add(Conditions.Range(CreatedField, range));
        }

        return must.Must.Count == 0 ? null : must;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Qdrant alias {Alias} switched from {Old} to the re-embedded {New} ({Count} memories); {Old} dropped")]
    private partial void LogSwitched(string alias, string old, string @new, long count);
}
