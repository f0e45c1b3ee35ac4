using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Inference.Tuning;

/// <summary>
/// Thresholds of the findings analyzer and settings of the base-vs-adapter comparison (configuration section
/// <c>Inference:Tuning</c>).
/// </summary>
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

    /// <summary>How often the memory service's count and size are sampled into the journal database.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MemorySampleInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Memory-service samples in the window needed before memory growth is judged.</summary>
    [Range(2, 100_000)]
    public int MinMemorySamples { get; set; } = 10;

    /// <summary>Memories a chat turn is expected to add: the user's message and the reply.</summary>
    [Range(0.1, 100.0)]
    public double ExpectedMemoriesPerTurn { get; set; } = 2;

    /// <summary>How many times the expected growth the memories added in a window may reach before it is a finding.</summary>
    [Range(1.0, 1000.0)]
    public double MemoryGrowthFactor { get; set; } = 1.5;

    /// <summary>Share of turns that should carry memories in their prompt; fewer is a RAG finding.</summary>
    [Range(0.0, 1.0)]
    public double RagMinTurnsWithMemories { get; set; } = 0.2;

    /// <summary>Share of the memory service's hits that may score below its weak-score threshold before it is a RAG finding.</summary>
    [Range(0.0, 1.0)]
    public double RagMaxWeakHitShare { get; set; } = 0.5;

    /// <summary>
    /// The comparison's prompt suite: one prompt per non-empty line, # starts a comment. A relative path is resolved
    /// against the service's directory, where the default suite ships.
    /// </summary>
    [Required]
    public string PromptSuitePath { get; set; } = "Tuning/Comparison/companion-prompts.txt";

    /// <summary>Most tokens per reply of a comparison when the request sets none.</summary>
    [Range(1, 131_072)]
    public int ComparisonMaxTokens { get; set; } = 64;

    /// <summary>Most prompts a suite may hold: each costs two replies.</summary>
    [Range(1, 10_000)]
    public int MaxSuitePrompts { get; set; } = 100;

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
