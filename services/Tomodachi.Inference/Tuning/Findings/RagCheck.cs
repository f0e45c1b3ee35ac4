using System.Globalization;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Findings;

/// <summary>
/// "Is RAG working?": how many turns put memories into their prompt (the journal's memories_used), and how well the
/// memory service's hits scored, which memories no search returned and which were only ever found with a weak score
/// (its retrieval stats since it started). Few turns with memories, or mostly weak hits, is a finding.
/// </summary>
internal sealed class RagCheck(TuningOptions limits)
{
    private const string Name = "Memory retrieval (RAG)";

    /// <summary>
    /// A finding, or the reason the check could not run, or neither when retrieval looks healthy or was not asked for
    /// (no stats and no reason: findings for one session, whose store is shared by every session).
    /// </summary>
    public (Finding? Finding, string? Unavailable) Judge(IReadOnlyList<Turn> turns, GetRetrievalStatsResponse? stats, string? unavailable)
    {
        if (stats is null)
        {
            return (null, unavailable is null ? null : $"{Name}: {unavailable}");
        }

        var withMemories = turns.Where(t => t.Stats.MemoriesUsed > 0).ToList();
        var usedShare = (double)withMemories.Count / turns.Count;
        var bands = stats.HitScoreHistogram;
        var weakBands = (int)Math.Ceiling(stats.LowScoreThreshold * bands.Count - 1e-6);
        var weak = bands.Take(weakBands).Aggregate(0ul, (sum, b) => sum + b);
        var weakShare = stats.Hits == 0 ? 0 : (double)weak / stats.Hits;
        var fewTurns = usedShare < limits.RagMinTurnsWithMemories;
        var weakHits = stats.Hits > 0 && weakShare > limits.RagMaxWeakHitShare;
        if (!fewTurns && !weakHits)
        {
            return (null, null);
        }

        var values = turns.Select(t => (double)t.Stats.MemoriesUsed).ToList();
        var evidence = new Evidence
        {
            Metric = "memories_used",
            Unit = "memories",
            TurnsConsidered = (uint)turns.Count,
            TurnsMatching = (uint)withMemories.Count,
            Mean = Statistics.Mean(values),
            Stddev = Statistics.StandardDeviation(values),
            Threshold = limits.RagMinTurnsWithMemories,
            Observed = usedShare,
            MatchingFraction = usedShare,
            TurnsWithMemoriesFraction = usedShare,
            WeakHitFraction = weakShare,
            MemoriesNeverRetrieved = stats.Memories - stats.MemoriesRetrieved,
            MemoriesWeakOnly = stats.MemoriesLowScoreOnly,
            Searches = stats.Searches,
        };
        evidence.HitScoreHistogram.AddRange(bands);
        var critical = usedShare < limits.RagMinTurnsWithMemories / 2 || (weakHits && weakShare > (1 + limits.RagMaxWeakHitShare) / 2);
        return (new Finding
        {
            Kind = FindingKind.RagIneffective,
            Severity = critical ? Severity.Critical : Severity.Warning,
            Title = $"Memory retrieval looks ineffective: {Percent(usedShare)} of {turns.Count} turns used memories, "
                + $"{Percent(weakShare)} of {stats.Hits} hits scored below {Format(stats.LowScoreThreshold)}",
            Evidence = evidence,
            SuggestedAction = fewTurns && !weakHits
                ? "Few prompts carry memories: check that the orchestrator routes messages to memory search and that the memory service answers within Inference:MemoryTimeout."
                : $"Most hits are weak matches: check the memory service's embedder (GetStats names it; the lexical one only matches shared words), "
                  + $"and review the {stats.Memories - stats.MemoriesRetrieved} memories no search has returned.",
        }, null);
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
