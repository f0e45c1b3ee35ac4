using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Memories;
using Tomodachi.Memory.Storage;
using Tomodachi.Memory.V1;

namespace Tomodachi.Memory.Grpc;

/// <summary>
/// Checks incoming messages and turns them into domain values (and back). Every rejection is an
/// InvalidArgument whose message names the field and says what is allowed.
/// </summary>
internal static class MemoryMapping
{
    public const int MaxTextBytes = 32 * 1024;
    public const int MaxBatch = 1000;
    public const int MaxK = 100;
    public const int MaxEmbedTexts = 256;
    public const int MaxSessionIdLength = 256;
    public const int MaxMetadataEntries = 64;
    public const int MaxMetadataKeyLength = 128;
    public const int MaxMetadataValueLength = 4096;
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;
    public const int MaxTextFilterLength = 1024;

    public static MemoryDraft ToDraft(NewMemory? memory, string field) =>
        memory is null
            ? throw Invalid($"{field} is missing.")
            : ToDraft(null, memory.Text, memory.Role, memory.SessionId, memory.CreatedAt, memory.Metadata, field);

    /// <summary>An imported memory keeps its id (when it has one) and pin, and is marked imported.</summary>
    public static MemoryDraft ToImportedDraft(V1.Memory? memory, string field) =>
        memory is null
            ? throw Invalid($"{field} is missing.")
            : ToDraft(memory.Id.Length == 0 ? null : Id(memory.Id, $"{field}.id"),
                memory.Text, memory.Role, memory.SessionId, memory.CreatedAt, memory.Metadata, field) with
            {
                Pinned = memory.Pinned,
                Origin = Origin.Imported,
            };

    public static (MemoryListFilter Filter, ListCursor? After, int PageSize) ToList(ListRequest request)
    {
        if (request.PageSize > MaxPageSize)
        {
            throw Invalid($"page_size must be 1 to {MaxPageSize} (0 means {DefaultPageSize}); it is {request.PageSize}.");
        }

        var pageSize = request.PageSize == 0 ? DefaultPageSize : (int)request.PageSize;
        var filter = request.Filter;
        if (filter is null)
        {
            return (MemoryListFilter.None, ListPageToken.Decode(request.PageToken), pageSize);
        }

        if (filter.TextContains.Length > MaxTextFilterLength)
        {
            throw Invalid($"filter.text_contains is {filter.TextContains.Length} characters; the limit is {MaxTextFilterLength}.");
        }

        var (after, before) = TimeRange(filter.CreatedAfter, filter.CreatedBefore);
        return (new MemoryListFilter(
            filter.TextContains.Length == 0 ? null : filter.TextContains,
            filter.SessionId.Length == 0 ? null : SessionId(filter.SessionId, "filter.session_id"),
            ToSpeaker(filter.Role, "filter.role"),
            filter.Origin switch
            {
                MemoryOrigin.Unspecified => null,
                MemoryOrigin.Stored => Origin.Stored,
                MemoryOrigin.Imported => Origin.Imported,
                _ => throw Invalid($"filter.origin {(int)filter.Origin} is not a known origin (stored or imported)."),
            },
            after,
            before,
            filter.PinnedOnly), ListPageToken.Decode(request.PageToken), pageSize);
    }

    public static (Guid Id, string? Text, bool? Pinned) ToUpdate(UpdateRequest request)
    {
        var id = Id(request.Id);
        if (!request.HasText && !request.HasPinned)
        {
            throw Invalid("Set text, pinned or both; the request changes nothing.");
        }

        return (id, request.HasText ? Text(request.Text, "text") : null, request.HasPinned ? request.Pinned : null);
    }

    public static IReadOnlyList<MemoryDraft> ToDrafts(StoreBatchRequest request)
    {
        if (request.Memories.Count is 0 or > MaxBatch)
        {
            throw Invalid($"memories must hold 1 to {MaxBatch} memories; it holds {request.Memories.Count}.");
        }

        return request.Memories.Select((memory, i) => ToDraft(memory, $"memories[{i}]")).ToList();
    }

    public static (string Query, int K, MemoryFilter Filter) ToSearch(SearchRequest request)
    {
        var query = Text(request.Query, "query");
        if (request.K is 0 or > MaxK)
        {
            throw Invalid($"k must be between 1 and {MaxK}; it is {request.K}.");
        }

        return (query, (int)request.K, ToFilter(request.Filter));
    }

    public static (IReadOnlyList<string> Texts, EmbeddingKind Kind) ToEmbed(EmbedRequest request)
    {
        if (request.Texts.Count is 0 or > MaxEmbedTexts)
        {
            throw Invalid($"texts must hold 1 to {MaxEmbedTexts} texts; it holds {request.Texts.Count}.");
        }

        var texts = request.Texts.Select((text, i) => Text(text, $"texts[{i}]")).ToList();
        var kind = request.Purpose switch
        {
            EmbeddingPurpose.Unspecified or EmbeddingPurpose.Document => EmbeddingKind.Document,
            EmbeddingPurpose.Query => EmbeddingKind.Query,
            _ => throw Invalid($"purpose {(int)request.Purpose} is not a known purpose (document or query)."),
        };
        return (texts, kind);
    }

    public static EmbedResponse ToMessage(IEmbedder embedder, IReadOnlyList<TextEmbedding> embeddings) => new()
    {
        Model = embedder.Name,
        Dimension = (uint)embedder.Dimension,
        Embeddings = { embeddings.Select(e => new Embedding { Vector = { e.Vector }, TokenCount = (uint)e.TokenCount }) },
    };

    public static Guid Id(string id, string field = "id")
    {
        if (id.Length == 0)
        {
            throw Invalid($"{field} is empty; it must be a memory id (a UUID).");
        }

        return Guid.TryParse(id, out var parsed)
            ? parsed
            : throw Invalid($"{field} \"{Shorten(id)}\" is not a memory id (a UUID such as 0192f1c2-7b3e-7c1a-9d4e-2f6a8b0c1d2e).");
    }

    public static string SessionToDelete(string sessionId) =>
        sessionId.Length == 0 ? throw Invalid("session_id is empty; name the session whose memories to delete.") : SessionId(sessionId, "session_id");

    public static V1.Memory ToMessage(MemoryEntry entry)
    {
        var message = new V1.Memory
        {
            Id = entry.Id.ToString(),
            Text = entry.Text,
            Role = (MemoryRole)entry.Speaker,
            SessionId = entry.SessionId,
            CreatedAt = Timestamp.FromDateTimeOffset(entry.CreatedAt),
            Pinned = entry.Pinned,
            Origin = (MemoryOrigin)entry.Origin,
        };
        foreach (var (key, value) in entry.Metadata)
        {
            message.Metadata[key] = value;
        }

        return message;
    }

    public static MemoryStats ToMessage(MemoryBankStats stats, RetentionSweeper retention) => new()
    {
        Retention = ToMessage(retention.Settings, retention.LastSweep),
        Count = (ulong)stats.Figures.Count,
        SizeBytes = (ulong)stats.Figures.SizeBytes,
        SizeIsEstimate = stats.Figures.SizeIsEstimate,
        Oldest = stats.Figures.Oldest is { } oldest ? Timestamp.FromDateTimeOffset(oldest) : null,
        Newest = stats.Figures.Newest is { } newest ? Timestamp.FromDateTimeOffset(newest) : null,
        Backend = stats.Backend,
        Embedder = stats.Embedder,
        Dimension = (uint)stats.Dimension,
        Problem = stats.Problem ?? "",
        Reembedding = stats.Reembedding is { } r
            ? new V1.ReembeddingProgress { TargetEmbedder = r.Target.Name, TargetDimension = (uint)r.Target.Dimension, Done = (ulong)r.Done, Total = (ulong)r.Total }
            : null,
    };

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static V1.MemoryRetention ToMessage(MemoryRetentionOptions settings, RetentionSweep? sweep) => new()
    {
        MaxAgeDays = (uint)settings.MaxAgeDays,
        MaxCount = (ulong)settings.MaxCount,
        LastSweepAt = sweep is null ? null : Timestamp.FromDateTimeOffset(sweep.At),
        LastSweepDeleted = (ulong)(sweep?.Deleted ?? 0),
        LastSweepProblem = sweep?.Problem ?? "",
    };

    private static MemoryDraft ToDraft(
        Guid? id, string text, MemoryRole role, string sessionId, Timestamp? createdAt, IDictionary<string, string> metadata, string field) =>
        new(
            id,
            Text(text, $"{field}.text"),
            ToSpeaker(role, $"{field}.role") ?? Speaker.Note,
            SessionId(sessionId, $"{field}.session_id"),
            ToTime(createdAt, $"{field}.created_at"),
            Metadata(metadata, $"{field}.metadata"));

    private static MemoryFilter ToFilter(SearchFilter? filter)
    {
        if (filter is null)
        {
            return MemoryFilter.None;
        }

        var (after, before) = TimeRange(filter.CreatedAfter, filter.CreatedBefore);
        if (filter.HasMinScore && !(filter.MinScore is >= -1f and <= 1f))
        {
            throw Invalid($"filter.min_score must be a cosine similarity between -1 and 1; it is {filter.MinScore}.");
        }

        return new MemoryFilter(
            filter.SessionId.Length == 0 ? null : SessionId(filter.SessionId, "filter.session_id"),
            ToSpeaker(filter.Role, "filter.role"),
            after,
            before,
            filter.HasMinScore ? filter.MinScore : null);
    }

    private static (DateTimeOffset? After, DateTimeOffset? Before) TimeRange(Timestamp? createdAfter, Timestamp? createdBefore)
    {
        var after = ToTime(createdAfter, "filter.created_after");
        var before = ToTime(createdBefore, "filter.created_before");
        return after is { } a && before is { } b && a >= b
            ? throw Invalid($"filter.created_after ({a:O}) must be before filter.created_before ({b:O}).")
            : (after, before);
    }

    private static string Text(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid($"{field} is empty; it must hold 1 byte to 32 KiB of UTF-8 text.");
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes <= MaxTextBytes
            ? text
            : throw Invalid($"{field} is {bytes} bytes of UTF-8; the limit is {MaxTextBytes} bytes (32 KiB).");
    }

    private static string SessionId(string sessionId, string field) =>
        sessionId.Length <= MaxSessionIdLength
            ? sessionId
            : throw Invalid($"{field} is {sessionId.Length} characters; the limit is {MaxSessionIdLength}.");

    private static Speaker? ToSpeaker(MemoryRole role, string field) => role switch
    {
        MemoryRole.Unspecified => null,
        MemoryRole.User => Speaker.User,
        MemoryRole.Assistant => Speaker.Assistant,
        MemoryRole.Note => Speaker.Note,
        _ => throw Invalid($"{field} {(int)role} is not a known role (user, assistant or note)."),
    };

    private static DateTimeOffset? ToTime(Timestamp? timestamp, string field)
    {
        if (timestamp is null)
        {
            return null;
        }

        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"{field} is not a valid time (seconds {timestamp.Seconds}, nanos {timestamp.Nanos}); it must lie between the years 1 and 9999.");
        }
    }

    private static IReadOnlyDictionary<string, string> Metadata(IDictionary<string, string> metadata, string field)
    {
        if (metadata.Count > MaxMetadataEntries)
        {
            throw Invalid($"{field} has {metadata.Count} entries; the limit is {MaxMetadataEntries}.");
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength)
            {
                throw Invalid($"{field} keys must be 1 to {MaxMetadataKeyLength} characters; \"{Shorten(key)}\" is {key.Length}.");
            }

            if (value.Length > MaxMetadataValueLength)
            {
                throw Invalid($"{field}[\"{Shorten(key)}\"] is {value.Length} characters; the limit is {MaxMetadataValueLength}.");
            }
        }

        return new Dictionary<string, string>(metadata, StringComparer.Ordinal);
    }

    // Echoing a megabyte of bad input back in an error helps nobody.
    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
