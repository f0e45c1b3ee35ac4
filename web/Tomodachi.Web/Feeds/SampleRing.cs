namespace Tomodachi.Web.Feeds;

/// <summary>A bounded, thread-safe history: the feed thread appends, circuits read snapshots.</summary>
public sealed class SampleRing<T>(int capacity)
{
    private readonly Queue<T> items = new(capacity);
    private readonly Lock gate = new();

    public void Add(T item)
    {
        lock (gate)
        {
            if (items.Count == capacity)
            {
                items.Dequeue();
            }

            items.Enqueue(item);
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (gate)
        {
            return [.. items];
        }
    }
}

/// <summary>Inference process RSS at one moment.</summary>
public sealed record RssSample(DateTimeOffset At, ulong RssBytes);

/// <summary>Memory store size at one moment.</summary>
public sealed record MemorySample(DateTimeOffset At, ulong Count, ulong SizeBytes);
