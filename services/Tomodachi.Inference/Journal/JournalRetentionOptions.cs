using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// How long the turn journal keeps conversations (configuration section <c>Inference:Journal:Retention</c>); 0 keeps
/// them forever. A conversation is kept or deleted whole, so its history and its rebuilt prompts stay exact.
/// </summary>
public sealed class JournalRetentionOptions
{
    public const string SectionName = "Inference:Journal:Retention";

    /// <summary>A conversation whose last turn started longer ago than this many days is deleted; 0 keeps them forever.</summary>
    [Range(0, 36_500, ErrorMessage = SectionName + ":MaxAgeDays must be between {1} and {2} days; 0 keeps conversations forever.")]
    public int MaxAgeDays { get; set; }

    /// <summary>
    /// The journal keeps at most this many turns: the least recently active conversations are deleted whole until the
    /// rest fit, except the most recent one, which is never cut; 0 keeps every turn.
    /// </summary>
    [Range(0, 100_000_000, ErrorMessage = SectionName + ":MaxTurns must be between {1} and {2} turns; 0 keeps every turn.")]
    public int MaxTurns { get; set; }

    /// <summary>How often the sweep runs; the first runs at start-up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = SectionName + ":SweepInterval must be between {1} and {2}.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>True when either limit is set.</summary>
    public bool Enabled => MaxAgeDays > 0 || MaxTurns > 0;
}
