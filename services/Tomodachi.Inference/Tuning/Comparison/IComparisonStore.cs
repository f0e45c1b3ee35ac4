using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>Keeps the newest comparison report across restarts.</summary>
public interface IComparisonStore
{
    /// <summary>Replaces the stored report with <paramref name="report"/>.</summary>
    Task SaveAsync(ComparisonReport report, CancellationToken ct);

    /// <summary>The newest report, or null before the first comparison.</summary>
    Task<ComparisonReport?> GetLastAsync(CancellationToken ct);
}
