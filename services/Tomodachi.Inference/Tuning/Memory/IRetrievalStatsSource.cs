using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>The memory service's retrieval figures, or the reason they cannot be had.</summary>
public interface IRetrievalStatsSource
{
    Task<(GetRetrievalStatsResponse? Stats, string? Unavailable)> ReadAsync(CancellationToken ct);
}
