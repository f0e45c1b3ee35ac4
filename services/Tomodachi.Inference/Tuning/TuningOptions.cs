using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Inference.Tuning;

/// <summary>Thresholds of the findings analyzer (configuration section <c>Inference:Tuning</c>).</summary>
public sealed class TuningOptions : IValidatableObject
{
    public const string SectionName = "Inference:Tuning";

    /// <summary>Turns needed before anything is judged; fewer give a note instead of findings.</summary>
    [Range(2, 100_000)]
    public int MinTurns { get; set; } = 5;

    /// <summary>Replies with fewer completion tokens than this are too short.</summary>
    [Range(1, 100_000)]
    public int ShortReplyTokens { get; set; } = 10;

    /// <summary>Replies with more completion tokens than this are too long.</summary>
    [Range(1, 1_000_000)]
    public int LongReplyTokens { get; set; } = 200;

    /// <summary>Share of turns that must be past a threshold for it to count as "consistently".</summary>
    [Range(0.5, 1.0)]
    public double ConsistentFraction { get; set; } = 0.8;

    /// <summary>Relative fall of the fitted tokens/sec line, first turn to last, that counts as declining.</summary>
    [Range(0.01, 1.0)]
    public double ThroughputDropFraction { get; set; } = 0.25;

    /// <summary>Coefficient of variation (stddev / mean) of total latency that counts as inconsistent.</summary>
    [Range(0.01, 100.0)]
    public double LatencyVariationThreshold { get; set; } = 0.5;

    /// <summary>Total latency, in milliseconds, above which a turn is slow.</summary>
    [Range(1.0, 3_600_000.0)]
    public double HighLatencyMs { get; set; } = 10_000;

    /// <summary>Newest turns of a selection that are analysed; bounds the work of one GetFindings call.</summary>
    [Range(10, 1_000_000)]
    public int MaxTurnsAnalyzed { get; set; } = 10_000;

    /// <summary>Turn ids listed in a finding's evidence; the rest are only counted.</summary>
    [Range(1, 1_000)]
    public int MaxEvidenceTurnIds { get; set; } = 50;

    /// <summary>How often the inference process's RSS is sampled into the journal database.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RssSampleInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>RSS samples of the running process needed before RSS growth is judged.</summary>
    [Range(3, 100_000)]
    public int MinRssSamples { get; set; } = 10;

    /// <summary>Relative growth of the fitted RSS line, first sample to last, that counts as a leak.</summary>
    [Range(0.01, 100.0)]
    public double RssGrowthFraction { get; set; } = 0.2;

    /// <summary>How straight the growth must be (R² of the fitted line) to call it linear rather than noise.</summary>
    [Range(0.0, 1.0)]
    public double RssLinearity { get; set; } = 0.8;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ShortReplyTokens >= LongReplyTokens)
        {
            yield return new ValidationResult(
                $"Inference:Tuning:ShortReplyTokens ({ShortReplyTokens}) must be below LongReplyTokens ({LongReplyTokens}).",
                [nameof(ShortReplyTokens), nameof(LongReplyTokens)]);
        }
    }
}
