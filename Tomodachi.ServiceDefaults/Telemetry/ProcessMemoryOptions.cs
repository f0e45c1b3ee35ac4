using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>How often <see cref="ProcessMemorySampler"/> reads the process's memory (section "Telemetry:ProcessMemory").</summary>
public sealed class ProcessMemoryOptions
{
    public const string SectionName = "Telemetry:ProcessMemory";

    /// <summary>
    /// The period of the one reading. The default equals the scrape interval of both Prometheus configurations
    /// (the AppHost's and deploy/prometheus/prometheus.yml), so each scrape finds a sample at most one period old.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);
}
