using System.Numerics.Tensors;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// The embedded store's search structure: every vector in a row-major float matrix and an 8-bit copy of it
/// (<see cref="Int8Vectors"/>), both held in blocks of rows (<see cref="RowBlocks{T}"/>), beside the columns the filters need. A search scans the 8-bit copy (a quarter of
/// the memory traffic, which is what bounds an exact scan) over all cores, keeps the best
/// <see cref="CandidatesPerHit"/> × k rows, and re-scores those exactly with float SIMD dot products (vectors are
/// unit length, so the dot product is the cosine similarity). Rows are packed: a removed row is filled with the last one.
/// </summary>
internal sealed class VectorIndex
{
    // Below this many rows one core finishes before a second one would have started.
    private const int ParallelRowThreshold = 16_384;
    private const int InitialCapacity = 1_024;
    // The 8-bit scores differ from the exact ones by far less than the gap between the k-th and the 8k-th best,
    // so the exact top k is among these candidates (the recall test checks it on lexical vectors, the hardest case).
    private const int CandidatesPerHit = 8;
    private const int MinCandidates = 64;

    private readonly ReaderWriterLockSlim gate = new();
    private readonly Dictionary<Guid, int> rowOf = [];
    // Sessions repeat across many memories; one string per session keeps the index small.
    private readonly Dictionary<string, string> sessionPool = new(StringComparer.Ordinal);
    private readonly RowBlocks<float> vectors;
    private readonly RowBlocks<sbyte> quantized;
    private float[] scales;
    private Guid[] ids;
    private long[] createdAt;
    private Speaker[] speakers;
    private string[] sessions;
    private int count;

    public VectorIndex(int dimension)
    {
        Dimension = dimension;
        vectors = new RowBlocks<float>(dimension);
        quantized = new RowBlocks<sbyte>(dimension);
        scales = new float[InitialCapacity];
        ids = new Guid[InitialCapacity];
        createdAt = new long[InitialCapacity];
        speakers = new Speaker[InitialCapacity];
        sessions = new string[InitialCapacity];
    }

    public int Dimension { get; }

    public int Count
    {
        get
        {
            gate.EnterReadLock();
            try { return count; }
            finally { gate.ExitReadLock(); }
        }
    }

    public void Upsert(Guid id, ReadOnlySpan<float> vector, long createdAtMicroseconds, Speaker speaker, string sessionId)
    {
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"Vector has {vector.Length} dimensions; the index holds {Dimension}.", nameof(vector));
        }

        gate.EnterWriteLock();
        try
        {
            if (!rowOf.TryGetValue(id, out var row))
            {
                EnsureCapacity(count + 1);
                row = count++;
                rowOf[id] = row;
            }

            vector.CopyTo(vectors.Row(row));
            scales[row] = Int8Vectors.Quantize(vector, quantized.Row(row));
            ids[row] = id;
            createdAt[row] = createdAtMicroseconds;
            speakers[row] = speaker;
            sessions[row] = Pool(sessionId);
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    public bool Remove(Guid id)
    {
        gate.EnterWriteLock();
        try
        {
            if (!rowOf.Remove(id, out var row))
            {
                return false;
            }

            var last = --count;
            if (row != last)
            {
                vectors.Row(last).CopyTo(vectors.Row(row));
                quantized.Row(last).CopyTo(quantized.Row(row));
                scales[row] = scales[last];
                ids[row] = ids[last];
                createdAt[row] = createdAt[last];
                speakers[row] = speakers[last];
                sessions[row] = sessions[last];
                rowOf[ids[row]] = row;
            }

            sessions[last] = null!;
            return true;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Count, oldest and newest creation time in microseconds.</summary>
    public (int Count, long? Oldest, long? Newest) Figures()
    {
        gate.EnterReadLock();
        try
        {
            if (count == 0)
            {
                return (0, null, null);
            }

            var times = createdAt.AsSpan(0, count);
            return (count, TensorPrimitives.Min<long>(times), TensorPrimitives.Max<long>(times));
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    public IReadOnlyList<(Guid Id, float Score)> Search(float[] query, int k, MemoryFilter filter)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions; the index holds {Dimension}.", nameof(query));
        }

        var scan = new Scan(this, query, Math.Max(k * CandidatesPerHit, MinCandidates), filter);
        gate.EnterReadLock();
        try
        {
            if (count < ParallelRowThreshold)
            {
                return scan.Rescore([scan.Run(0, count)], k);
            }

            var parts = Environment.ProcessorCount;
            var best = new TopCandidates[parts];
            var size = (count + parts - 1) / parts;
            Parallel.For(0, parts, part => best[part] = scan.Run(part * size, Math.Min(count, (part + 1) * size)));
            return scan.Rescore(best, k);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private void EnsureCapacity(int rows)
    {
        vectors.EnsureCapacity(rows);
        quantized.EnsureCapacity(rows);
        if (rows <= ids.Length)
        {
            return;
        }

        // The columns take 37 bytes a row against the vectors' 5 a dimension: doubling them costs little.
        var capacity = Math.Max(rows, ids.Length * 2);
        Array.Resize(ref scales, capacity);
        Array.Resize(ref ids, capacity);
        Array.Resize(ref createdAt, capacity);
        Array.Resize(ref speakers, capacity);
        Array.Resize(ref sessions, capacity);
    }

    private string Pool(string sessionId)
    {
        if (!sessionPool.TryGetValue(sessionId, out var pooled))
        {
            pooled = sessionId;
            sessionPool[pooled] = pooled;
        }

        return pooled;
    }

    /// <summary>One query's scan over a range of rows on the 8-bit copy, then the exact re-scoring of the best.</summary>
    private readonly struct Scan(VectorIndex index, float[] query, int candidates, MemoryFilter filter)
    {
        private readonly short[] quantizedQuery = Int8Vectors.QuantizeQuery(query);
        private readonly bool filtered = filter.SessionId is not null || filter.Speaker is not null
                                         || filter.CreatedAfter is not null || filter.CreatedBefore is not null;
        private readonly long after = filter.CreatedAfter is { } a ? Microseconds.FromTime(a) : long.MinValue;
        private readonly long before = filter.CreatedBefore is { } b ? Microseconds.FromTime(b) : long.MaxValue;
        private readonly float minScore = filter.MinScore ?? float.NegativeInfinity;

        public TopCandidates Run(int from, int to)
        {
            var best = new TopCandidates(candidates);
            var dimension = index.Dimension;
            var scales = index.scales.AsSpan();
            for (var start = from; start < to;)
            {
                // One block's rows at a time, so the inner loop walks a single contiguous span.
                var rows = index.quantized.Run(start, to);
                var end = start + rows.Length / dimension;
                for (var row = start; row < end; row++)
                {
                    if (filtered && !Matches(row))
                    {
                        continue;
                    }

                    // The query's own scale is the same for every row, so it is left out of the ranking.
                    var score = Int8Vectors.Dot(rows.Slice((row - start) * dimension, dimension), quantizedQuery) * scales[row];
                    if (score > best.Bar)
                    {
                        best.Offer(row, score);
                    }
                }

                start = end;
            }

            return best;
        }

        /// <summary>The exact cosine of every candidate; the best <paramref name="k"/> at or above the minimum score.</summary>
        public IReadOnlyList<(Guid Id, float Score)> Rescore(TopCandidates[] parts, int k)
        {
            var dimension = index.Dimension;
            var scored = new List<(int Row, float Score)>(parts.Sum(p => p.Count));
            foreach (var part in parts)
            {
                foreach (var row in part.Rows)
                {
                    var score = TensorPrimitives.Dot(index.vectors.Row(row), query);
                    if (score >= minScore)
                    {
                        scored.Add((row, score));
                    }
                }
            }

            scored.Sort((x, y) => y.Score.CompareTo(x.Score));
            var hits = new List<(Guid Id, float Score)>(Math.Min(k, scored.Count));
            foreach (var (row, score) in scored.Take(k))
            {
                hits.Add((index.ids[row], score));
            }

            return hits;
        }

        private bool Matches(int row) =>
            (filter.SessionId is null || string.Equals(index.sessions[row], filter.SessionId, StringComparison.Ordinal))
            && (filter.Speaker is null || index.speakers[row] == filter.Speaker)
            && index.createdAt[row] >= after
            && index.createdAt[row] < before;
    }
}
