using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Web.Alerts;

/// <summary>
/// Thresholds of the panel's alerts (configuration section "Alerts"). The defaults are the thresholds of the
/// Prometheus rules in deploy/prometheus/tomodachi.rules.yml; a test fails when the two differ.
/// </summary>
public sealed class AlertThresholdOptions
{
    public const string SectionName = "Alerts";

    /// <summary>TomodachiSlowReplies: the mean whole-turn latency over 5 minutes above this.</summary>
    [Range(0.1, 3600)]
    public double LatencySeconds { get; set; } = 5;

    /// <summary>TomodachiHighMemory: inference RSS above this (default 2 GiB).</summary>
    [Range(1L, long.MaxValue)]
    public long RssBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>TomodachiSlowGeneration: the mean generation speed over 5 minutes below this.</summary>
    [Range(0.01, 100_000)]
    public double MinTokensPerSecond { get; set; } = 5;

    /// <summary>TomodachiMemoryGrowingFast: the memory count growing faster than this per hour over 30 minutes.</summary>
    [Range(1, 1_000_000_000)]
    public double MemoryGrowthPerHour { get; set; } = 500;

    /// <summary>How often the rules are evaluated: Prometheus's evaluation_interval in both configurations.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(5);
}
