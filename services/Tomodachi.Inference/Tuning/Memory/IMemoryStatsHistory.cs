namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>One reading of the memory service's GetStats: how many memories it holds and their size on disk.</summary>
/// <param name="Backend">"embedded" or "qdrant": a switch of store changes the count without anything being added.</param>
public sealed record MemoryStatsSample(DateTimeOffset At, long Count, long SizeBytes, string Backend);

/// <summary>The history of the memory store's size the memory-growth finding needs; the memory service keeps none.</summary>
public interface IMemoryStatsHistory
{
    Task AddAsync(MemoryStatsSample sample, CancellationToken ct);

    /// <summary>The newest <paramref name="limit"/> samples in the window, oldest first.</summary>
    Task<IReadOnlyList<MemoryStatsSample>> ReadAsync(DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken ct);
}
