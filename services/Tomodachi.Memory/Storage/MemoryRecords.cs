namespace Tomodachi.Memory.Storage;

/// <summary>Who a memory came from.</summary>
public enum Speaker
{
    User = 1,
    Assistant = 2,
    Note = 3,
}

/// <summary>How a memory got into the store (who said it is <see cref="Speaker"/>).</summary>
public enum Origin
{
    /// <summary>Stored through Store or StoreBatch; also every memory kept before origins were recorded.</summary>
    Stored = 1,
    Imported = 2,
}

/// <summary>
/// A stored memory. <see cref="CreatedAt"/> is kept to the microsecond by every backend; a pinned memory never expires.
/// </summary>
public sealed record MemoryEntry(
    Guid Id,
    string Text,
    Speaker Speaker,
    string SessionId,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Metadata,
    bool Pinned = false,
    Origin Origin = Origin.Stored);

/// <summary>
/// A memory with the vector it is found by and, while a re-embedding is under way, the target embedder's vector.
/// <see cref="Vector"/> is null only while re-embedding from an embedder that cannot run any more: such a memory is
/// found once the re-embedding completes.
/// </summary>
public sealed record EmbeddedMemory(MemoryEntry Entry, float[]? Vector, float[]? TargetVector = null);

/// <summary>A re-embedding towards <see cref="Target"/>: <see cref="Done"/> of <see cref="Total"/> memories have its vector.</summary>
public sealed record ReembeddingProgress(EmbedderIdentity Target, long Done, long Total);

/// <summary>Narrows a search; null members do not filter.</summary>
public sealed record MemoryFilter(
    string? SessionId = null,
    Speaker? Speaker = null,
    DateTimeOffset? CreatedAfter = null,
    DateTimeOffset? CreatedBefore = null,
    float? MinScore = null)
{
    public static readonly MemoryFilter None = new();
}

/// <summary>Narrows a listing; null members do not filter. <see cref="TextContains"/> ignores case.</summary>
public sealed record MemoryListFilter(
    string? TextContains = null,
    string? SessionId = null,
    Speaker? Speaker = null,
    Origin? Origin = null,
    DateTimeOffset? CreatedAfter = null,
    DateTimeOffset? CreatedBefore = null,
    bool PinnedOnly = false)
{
    public static readonly MemoryListFilter None = new();
}

/// <summary>
/// Where a newest-first listing stopped: the next page holds the memories before this one in (time, id) order, so
/// memories stored or deleted meanwhile neither repeat nor skip any.
/// </summary>
public sealed record ListCursor(long CreatedAtMicroseconds, Guid Id);

/// <summary>
/// A change to one memory: new text with its vectors (as in <see cref="EmbeddedMemory"/>), and/or the pinned flag.
/// Null members stay as they are.
/// </summary>
public sealed record MemoryChange(string? Text, float[]? Vector, float[]? TargetVector, bool? Pinned);

/// <summary>A search result: the memory and its cosine similarity to the query.</summary>
public sealed record MemoryHit(MemoryEntry Entry, float Score);

/// <summary>The embedder a collection's vectors were made with.</summary>
public sealed record EmbedderIdentity(string Name, int Dimension)
{
    public override string ToString() => $"'{Name}' ({Dimension} dimensions)";
}

/// <summary>What a backend knows about its size and age.</summary>
public sealed record StoreFigures(
    long Count,
    long SizeBytes,
    bool SizeIsEstimate,
    DateTimeOffset? Oldest,
    DateTimeOffset? Newest)
{
    public static readonly StoreFigures Empty = new(0, 0, false, null, null);
}

/// <summary>Conversions between <see cref="DateTimeOffset"/> and the microseconds every backend stores.</summary>
public static class Microseconds
{
    public static long FromTime(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTimeOffset ToTime(long microseconds) =>
        new(DateTime.UnixEpoch.Ticks + microseconds * 10, TimeSpan.Zero);

    /// <summary>Drops the sub-microsecond part, so what is returned equals what was stored.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => ToTime(FromTime(time));
}
