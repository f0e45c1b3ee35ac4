using System.Data.Common;
using System.Runtime.CompilerServices;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using Tomodachi.Memory.Embeddings;
using static Qdrant.Client.Grpc.Conditions;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// Memories as points of one Qdrant collection (cosine distance, the embedder's dimension), with payload
/// indexes on session, role and time. Every write waits for Qdrant to apply it (wait=true), so a reply means
/// the change is in Qdrant's WAL. The embedder is recorded in the collection's metadata.
/// </summary>
public sealed partial class QdrantMemoryStore(QdrantClient client, string collection, ILogger<QdrantMemoryStore> logger) : IMemoryStore
{
    public const string BackendName = "qdrant";

    private const string TextField = "text";
    private const string RoleField = "role";
    private const string SessionField = "session_id";
    private const string CreatedField = "created_at_us";
    private const string MetadataField = "metadata";
    private const string EmbedderKey = "embedder";
    private const string DimensionKey = "dimension";
    private const uint PageSize = 256;

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
        if (!await client.CollectionExistsAsync(collection, cancellationToken))
        {
            await CreateCollectionAsync(embedder, cancellationToken);
            return embedder;
        }

        var info = await client.GetCollectionInfoAsync(collection, cancellationToken);
        if (info.Config.Metadata.TryGetValue(EmbedderKey, out var name) && info.Config.Metadata.TryGetValue(DimensionKey, out var dimension))
        {
            return new EmbedderIdentity(name.StringValue, (int)dimension.IntegerValue);
        }

        // A collection made by hand or by an older Qdrant without metadata: trust it if the size fits, and stamp it.
        var size = (int)info.Config.Params.VectorsConfig.Params.Size;
        var found = size == embedder.Dimension ? embedder : new EmbedderIdentity("unknown", size);
        await client.UpdateCollectionAsync(collection, metadata: IdentityMetadata(found), cancellationToken: cancellationToken);
        return found;
    }

    public async Task UpsertAsync(IReadOnlyList<EmbeddedMemory> memories, CancellationToken cancellationToken)
    {
        var points = memories.Select(m => ToPoint(m.Entry, m.Vector)).ToList();
        await client.UpsertAsync(collection, points, wait: true, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(float[] query, int k, MemoryFilter filter, CancellationToken cancellationToken)
    {
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
        return (long)existed;
    }

    public async Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var inSession = MatchKeyword(SessionField, sessionId);
        var count = await client.CountAsync(collection, inSession, exact: true, cancellationToken: cancellationToken);
        await client.DeleteAsync(collection, inSession, wait: true, cancellationToken: cancellationToken);
        return (long)count;
    }

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

    public async Task<long> ReindexAsync(IEmbedder embedder, CancellationToken cancellationToken)
    {
        var entries = await ExportAsync(cancellationToken).ToListAsync(cancellationToken);
        var points = new List<PointStruct>(entries.Count);
        foreach (var entry in entries)
        {
            points.Add(ToPoint(entry, await embedder.EmbedAsync(entry.Text, cancellationToken)));
        }

        // The dimension may change, and Qdrant cannot resize a collection: rebuild it from the entries in memory.
        LogRebuilding(entries.Count, collection);
        await client.DeleteCollectionAsync(collection, cancellationToken: cancellationToken);
        await CreateCollectionAsync(new EmbedderIdentity(embedder.Name, embedder.Dimension), cancellationToken);
        foreach (var chunk in points.Chunk((int)PageSize))
        {
            await client.UpsertAsync(collection, chunk, wait: true, cancellationToken: cancellationToken);
        }

        return entries.Count;
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task CreateCollectionAsync(EmbedderIdentity embedder, CancellationToken cancellationToken)
    {
        await client.CreateCollectionAsync(
            collection,
            new VectorParams { Size = (ulong)embedder.Dimension, Distance = Distance.Cosine },
            IdentityMetadata(embedder),
            cancellationToken: cancellationToken);
        await client.CreatePayloadIndexAsync(collection, SessionField, PayloadSchemaType.Keyword, cancellationToken: cancellationToken);
        await client.CreatePayloadIndexAsync(collection, RoleField, PayloadSchemaType.Integer, cancellationToken: cancellationToken);
        // An integer index with range support is what order_by needs for the oldest/newest queries.
        await client.CreatePayloadIndexAsync(collection, CreatedField, PayloadSchemaType.Integer, cancellationToken: cancellationToken);
    }

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
            : []);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reindex rebuilds Qdrant collection {Collection} from {Count} memories held in memory")]
    private partial void LogRebuilding(int count, string collection);
}
