using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Web.Feeds;

/// <summary>How the feeds reconnect and how much history they keep (configuration section "Feeds").</summary>
public sealed class FeedOptions
{
    public const string SectionName = "Feeds";

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Turns shown in the history charts and loaded from the journal on connect.</summary>
    [Range(1, 500)]
    public int TurnHistory { get; set; } = 50;

    /// <summary>Samples of RSS and memory size kept for the "over time" charts.</summary>
    [Range(10, 100_000)]
    public int SampleHistory { get; set; } = 1200;
}
