using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Web.Alerts;

/// <summary>
/// Thresholds for the panel's banners (configuration section "Alerts"); keep them equal to the Prometheus alert rules.
/// </summary>
public sealed class AlertThresholdOptions
{
    public const string SectionName = "Alerts";

    /// <summary>A whole turn slower than this raises the latency banner.</summary>
    [Range(0.1, 3600)]
    public double LatencySeconds { get; set; } = 5;

    /// <summary>Inference RSS above this raises the memory banner (default 2 GiB).</summary>
    [Range(1L, long.MaxValue)]
    public long RssBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Generation slower than this raises the throughput banner.</summary>
    [Range(0.01, 100_000)]
    public double MinTokensPerSecond { get; set; } = 5;
}
