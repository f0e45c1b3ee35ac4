using System.Globalization;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Tuning;

/// <summary>
/// A finding's numbers in words with their units. The threshold and the observed value mean different things per
/// kind (a token count, milliseconds, a coefficient of variation, a fraction), as the contract documents.
/// </summary>
public static class EvidenceFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"4.2 tokens", "17.5 tokens/s", "1234.0 ms", "512.0 MiB"; a kind without a unit shows the bare number.</summary>
    public static string Amount(double value, string unit) => unit switch
    {
        "bytes" => (value / (1024 * 1024)).ToString("0.0", Invariant) + " MiB",
        "" => value.ToString("0.##", Invariant),
        _ => value.ToString("0.0", Invariant) + " " + unit,
    };

    /// <summary>The threshold the finding was judged against, in the kind's own terms.</summary>
    public static string Threshold(FindingKind kind, Evidence evidence) => Judged(kind, evidence.Threshold, evidence.Unit);

    /// <summary>The value compared with the threshold, in the same terms.</summary>
    public static string Observed(FindingKind kind, Evidence evidence) => Judged(kind, evidence.Observed, evidence.Unit);

    /// <summary>"8 of 10 turns (80 %)"; RSS findings count samples.</summary>
    public static string Matching(FindingKind kind, Evidence evidence)
    {
        var what = kind == FindingKind.RssGrowing ? "samples" : "turns";
        return $"{evidence.TurnsMatching} of {evidence.TurnsConsidered} {what} ({Percent(evidence.MatchingFraction)})";
    }

    /// <summary>"mean ± standard deviation" of the metric.</summary>
    public static string Spread(Evidence evidence) =>
        $"{Amount(evidence.Mean, evidence.Unit)} ± {Amount(evidence.Stddev, evidence.Unit)}";

    /// <summary>The fitted trend, per turn or per hour, when the kind has one; null otherwise.</summary>
    public static string? Trend(Evidence evidence) =>
        evidence.SlopePerTurn != 0 ? $"{Signed(evidence.SlopePerTurn, evidence.Unit)} per turn"
        : evidence.SlopePerHour != 0 ? $"{Signed(evidence.SlopePerHour, evidence.Unit)} per hour"
        : null;

    /// <summary>"812 memories added, 40.0 expected" for memory growth; null for the other kinds.</summary>
    public static string? Memories(Evidence evidence) =>
        evidence.MemoriesAdded == 0 && evidence.ExpectedMemories == 0
            ? null
            : $"{evidence.MemoriesAdded} added, {evidence.ExpectedMemories.ToString("0.0", Invariant)} expected"
              + (evidence.SamplesConsidered > 0 ? $" ({evidence.SamplesConsidered} samples)" : "");

    /// <summary>
    /// "30 searches; hits by score 0.0–0.1: 4 · 0.1–0.2: 5 …; 28 memories never retrieved, 1 only weakly" for RAG
    /// findings; null for the other kinds.
    /// </summary>
    public static string? Retrieval(FindingKind kind, Evidence evidence)
    {
        if (kind != FindingKind.RagIneffective)
        {
            return null;
        }

        var bands = evidence.HitScoreHistogram.Select((hits, i) =>
            $"{(i / 10.0).ToString("0.0", Invariant)}–{((i + 1) / 10.0).ToString("0.0", Invariant)}: {hits}");
        return $"{evidence.Searches} searches; hits by score {string.Join(" · ", bands)} ({Percent(evidence.WeakHitFraction)} weak); "
            + $"{evidence.MemoriesNeverRetrieved} memories never retrieved, {evidence.MemoriesWeakOnly} only weakly";
    }

    public static string Severity(Severity severity) => severity switch
    {
        Tomodachi.Tuning.V1.Severity.Critical => "Critical",
        Tomodachi.Tuning.V1.Severity.Warning => "Warning",
        _ => "Note",
    };

    public static string Percent(double fraction) => (fraction * 100).ToString("0.#", Invariant) + " %";

    private static string Judged(FindingKind kind, double value, string unit) => kind switch
    {
        FindingKind.ThroughputDeclining or FindingKind.RssGrowing => Percent(value),
        FindingKind.RagIneffective => Percent(value) + " of turns with memories",
        FindingKind.LatencyInconsistent => "variation " + value.ToString("0.00", Invariant),
        FindingKind.MemoryGrowingFast => "×" + value.ToString("0.0", Invariant) + " the expected memories",
        _ => Amount(value, unit),
    };

    private static string Signed(double value, string unit) => (value > 0 ? "+" : "") + Amount(value, unit);
}
