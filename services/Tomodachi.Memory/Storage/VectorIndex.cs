using System.Numerics.Tensors;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// The embedded store's search structure: every vector in one contiguous row-major matrix, scored exactly
/// with SIMD dot products (vectors are unit length, so the dot product is the cosine similarity), beside the
/// columns the filters need. Rows are packed: a removed row is filled with the last one.
/// </summary>
internal sealed class VectorIndex
{
    // Below this many rows one core finishes before a second one would have started.
    private const int ParallelRowThreshold = 16_384;
    private const int InitialCapacity = 1_024;

    private readonly ReaderWriterLockSlim gate = new();
    private readonly Dictionary<Guid, int> rowOf = [];
    // Sessions repeat across many memories; one string per session keeps the index small.
    private readonly Dictionary<string, string> sessionPool = new(StringComparer.Ordinal);
    private float[] vectors;
    private Guid[] ids;
    private long[] createdAt;
    private Speaker[] speakers;
    private string[] sessions;
    private int count;

    public VectorIndex(int dimension)
    {
        Dimension = dimension;
        vectors = new float[InitialCapacity * dimension];
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

            vector.CopyTo(vectors.AsSpan(row * Dimension, Dimension));
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
                vectors.AsSpan(last * Dimension, Dimension).CopyTo(vectors.AsSpan(row * Dimension, Dimension));
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

        var scan = new Scan(this, query, k, filter);
        gate.EnterReadLock();
        try
        {
            if (count < ParallelRowThreshold)
            {
                return scan.Merge([scan.Run(0, count)]);
            }

            var parts = Environment.ProcessorCount;
            var best = new PriorityQueue<int, float>[parts];
            var size = (count + parts - 1) / parts;
            Parallel.For(0, parts, part => best[part] = scan.Run(part * size, Math.Min(count, (part + 1) * size)));
            return scan.Merge(best);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= ids.Length)
        {
            return;
        }

        var capacity = Math.Max(rows, ids.Length * 2);
        Array.Resize(ref vectors, capacity * Dimension);
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

    /// <summary>One query's scan over a range of rows, keeping the k best in a min-heap.</summary>
    private readonly struct Scan(VectorIndex index, float[] query, int k, MemoryFilter filter)
    {
        private readonly long after = filter.CreatedAfter is { } a ? Microseconds.FromTime(a) : long.MinValue;
        private readonly long before = filter.CreatedBefore is { } b ? Microseconds.FromTime(b) : long.MaxValue;
        private readonly float minScore = filter.MinScore ?? float.NegativeInfinity;

        public PriorityQueue<int, float> Run(int from, int to)
        {
            var best = new PriorityQueue<int, float>(k + 1);
            var dimension = index.Dimension;
            for (var row = from; row < to; row++)
            {
                if (!Matches(row))
                {
                    continue;
                }

                var score = TensorPrimitives.Dot(index.vectors.AsSpan(row * dimension, dimension), query);
                if (score < minScore)
                {
                    continue;
                }

                if (best.Count < k)
                {
                    best.Enqueue(row, score);
                }
                else if (best.TryPeek(out _, out var worst) && score > worst)
                {
                    best.DequeueEnqueue(row, score);
                }
            }

            return best;
        }

        public IReadOnlyList<(Guid Id, float Score)> Merge(PriorityQueue<int, float>[] parts)
        {
            var all = new List<(Guid Id, float Score)>();
            foreach (var part in parts)
            {
                foreach (var (row, score) in part.UnorderedItems)
                {
                    all.Add((index.ids[row], score));
                }
            }

            all.Sort((x, y) => y.Score.CompareTo(x.Score));
            return all.Count > k ? all[..k] : all;
        }

        private bool Matches(int row) =>
            (filter.SessionId is null || string.Equals(index.sessions[row], filter.SessionId, StringComparison.Ordinal))
            && (filter.Speaker is null || index.speakers[row] == filter.Speaker)
            && index.createdAt[row] >= after
            && index.createdAt[row] < before;
    }
}
