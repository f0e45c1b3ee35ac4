using System.Collections.Concurrent;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Memories;

/// <summary>The retrieval figures since the service started.</summary>
public sealed record RetrievalFigures(
    DateTimeOffset Since, long Searches, long SearchesWithHits, long Hits, IReadOnlyList<long> ScoreHistogram,
    IReadOnlySet<Guid> Retrieved, IReadOnlySet<Guid> LowScoreOnly, float LowScoreThreshold);

/// <summary>
/// Counts what searches return, in memory and since the service started: it answers "is retrieval working?" without
/// a write per search. Per memory it keeps only the best score it was ever found with.
/// </summary>
public sealed class RetrievalTracker(TimeProvider time)
{
    /// <summary>Below this cosine similarity a hit is weak: with the sentence model, unrelated sentences score about here.</summary>
    public const float LowScoreThreshold = 0.3f;
    public const int Bands = 10;

    private readonly DateTimeOffset since = time.GetUtcNow();
    private readonly ConcurrentDictionary<Guid, float> best = new();
    private readonly long[] histogram = new long[Bands];
    private long searches;
    private long searchesWithHits;
    private long hits;

    public void Record(IReadOnlyList<MemoryHit> found)
    {
        Interlocked.Increment(ref searches);
        if (found.Count == 0)
        {
            return;
        }

        Interlocked.Increment(ref searchesWithHits);
        Interlocked.Add(ref hits, found.Count);
        foreach (var hit in found)
        {
            Interlocked.Increment(ref histogram[Math.Clamp((int)(hit.Score * Bands), 0, Bands - 1)]);
            best.AddOrUpdate(hit.Entry.Id, hit.Score, (_, previous) => Math.Max(previous, hit.Score));
        }
    }

    public RetrievalFigures Read()
    {
        var snapshot = best.ToArray();
        return new RetrievalFigures(
            since,
            Interlocked.Read(ref searches),
            Interlocked.Read(ref searchesWithHits),
            Interlocked.Read(ref hits),
            Enumerable.Range(0, Bands).Select(band => Interlocked.Read(ref histogram[band])).ToList(),
            snapshot.Select(b => b.Key).ToHashSet(),
            snapshot.Where(b => b.Value < LowScoreThreshold).Select(b => b.Key).ToHashSet(),
            LowScoreThreshold);
    }
}
