using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Memory.Extensions;

/// <summary>
/// The "Memory:Retention" configuration section: how long memories are kept. Pinned memories are never removed by
/// retention; 0 means no limit of that kind, and both 0 (the default) keeps every memory until it is deleted.
/// </summary>
public sealed class MemoryRetentionOptions
{
    public const string SectionName = "Memory:Retention";

    /// <summary>Unpinned memories older than this many days are removed.</summary>
    [Range(0, 36_500, ErrorMessage = "Memory:Retention:MaxAgeDays must be between {1} and {2} days (0 keeps memories whatever their age).")]
    public int MaxAgeDays { get; set; }

    /// <summary>Only the newest this many unpinned memories are kept.</summary>
    [Range(0, 100_000_000, ErrorMessage = "Memory:Retention:MaxCount must be between {1} and {2} memories (0 keeps any number).")]
    public int MaxCount { get; set; }

    /// <summary>How often the limits are applied; the first time is at start-up.</summary>
    [Range(1, 10_080, ErrorMessage = "Memory:Retention:SweepIntervalMinutes must be between {1} and {2} minutes.")]
    public int SweepIntervalMinutes { get; set; } = 60;

    public bool Enabled => MaxAgeDays > 0 || MaxCount > 0;
}
