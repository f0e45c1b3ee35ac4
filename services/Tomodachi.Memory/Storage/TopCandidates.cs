namespace Tomodachi.Memory.Storage;

/// <summary>
/// The best rows seen so far, at most <c>capacity</c> of them, in a min-heap on plain arrays: the worst kept score
/// is the bar a new row must clear, and clearing it costs O(log capacity) without allocating.
/// </summary>
internal sealed class TopCandidates(int capacity)
{
    private readonly float[] scores = new float[capacity];
    private readonly int[] rows = new int[capacity];

    public int Count { get; private set; }

    /// <summary>The score a row must beat to be kept.</summary>
    public float Bar => Count < scores.Length ? float.NegativeInfinity : scores[0];

    public ReadOnlySpan<int> Rows => rows.AsSpan(0, Count);

    /// <summary>Keeps the row when it beats <see cref="Bar"/>, dropping the worst kept one if full.</summary>
    public void Offer(int row, float score)
    {
        if (Count < scores.Length)
        {
            var child = Count++;
            while (child > 0 && scores[(child - 1) / 2] > score)
            {
                var parent = (child - 1) / 2;
                scores[child] = scores[parent];
                rows[child] = rows[parent];
                child = parent;
            }

            scores[child] = score;
            rows[child] = row;
            return;
        }

        if (score <= scores[0])
        {
            return;
        }

        var at = 0;
        while (true)
        {
            var smallest = 2 * at + 1;
            if (smallest >= Count)
            {
                break;
            }

            if (smallest + 1 < Count && scores[smallest + 1] < scores[smallest])
            {
                smallest++;
            }

            if (scores[smallest] >= score)
            {
                break;
            }

            scores[at] = scores[smallest];
            rows[at] = rows[smallest];
            at = smallest;
        }

        scores[at] = score;
        rows[at] = row;
    }
}
