using System.Globalization;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Alerts;

/// <summary>The panel's alerts: each the same expression, window, hold time and threshold as its Prometheus rule.</summary>
public static class AlertRules
{
    private static readonly TimeSpan TurnWindow = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan GrowthWindow = TimeSpan.FromMinutes(30);

    /// <summary>The longest window over turns: how long the turns must be kept.</summary>
    public static TimeSpan TurnRetention => TurnWindow;

    public static IReadOnlyList<AlertRule> From(AlertThresholdOptions thresholds) =>
    [
        new("TomodachiSlowReplies", "latency",
            $"sum(rate(gen_ai_server_request_duration_seconds_sum[{Range(TurnWindow)}])) / sum(rate(gen_ai_server_request_duration_seconds_count[{Range(TurnWindow)}])) > {Number(thresholds.LatencySeconds)}",
            TurnWindow, TimeSpan.FromMinutes(1), thresholds.LatencySeconds, AlertComparison.Above,
            (inputs, now, window) => inputs.MeanOverTurns(now, window, _ => true, t => t.TotalLatencyMs / 1000),
            value => $"Replies take {Number(value, "0.00")} s on average over the last 5 minutes (threshold {Number(thresholds.LatencySeconds)} s)."),

        new("TomodachiHighMemory", "rss",
            $"max(process_memory_usage_bytes{{job=\"inference\"}}) > {Number(thresholds.RssBytes)}",
            TimeSpan.Zero, TimeSpan.FromMinutes(1), thresholds.RssBytes, AlertComparison.Above,
            (inputs, _, _) => inputs.Memory?.RssBytes,
            value => $"The inference process uses {StatusFormat.Megabytes1((ulong)value)} of RAM (threshold {StatusFormat.Megabytes1((ulong)thresholds.RssBytes)})."),

        // A turn of fewer than two tokens has no generation rate: the histogram never records one, nor does the panel.
        new("TomodachiSlowGeneration", "throughput",
            $"sum(rate(tomodachi_inference_generation_tokens_per_second_sum[{Range(TurnWindow)}])) / sum(rate(tomodachi_inference_generation_tokens_per_second_count[{Range(TurnWindow)}])) < {Number(thresholds.MinTokensPerSecond)}",
            TurnWindow, TimeSpan.FromMinutes(1), thresholds.MinTokensPerSecond, AlertComparison.Below,
            (inputs, now, window) => inputs.MeanOverTurns(now, window, HasRate, t => t.GenerationTokensPerSecond),
            value => $"Generation runs at {StatusFormat.TokensPerSecond(value)} on average over the last 5 minutes (threshold {Number(thresholds.MinTokensPerSecond)} t/s)."),

        new("TomodachiMemoryGrowingFast", "memory-growth",
            $"deriv(tomodachi_memory_memories[{Range(GrowthWindow)}]) * 3600 > {Number(thresholds.MemoryGrowthPerHour)}",
            GrowthWindow, TimeSpan.FromMinutes(5), thresholds.MemoryGrowthPerHour, AlertComparison.Above,
            (inputs, now, window) => inputs.MemoryCountSlope(now, window) * 3600,
            value => $"Vector memory grows by {Number(value, "0")} memories per hour over the last 30 minutes (threshold {Number(thresholds.MemoryGrowthPerHour)}): review what is being ingested."),

        // Not a tunable threshold: the supervisor's own verdict (Supervision:MaxFailures within Supervision:FailureWindow).
        new("TomodachiServiceCrashLooping", "crash-loop",
            "max by (service) (tomodachi_service_crash_looping) > 0",
            TimeSpan.Zero, TimeSpan.Zero, 0, AlertComparison.Above,
            (inputs, _, _) => inputs.CrashLooping(),
            _ => "A service is crash-looping: the supervisor gave up starting it, and it stays down until started by hand (see Restarts)."),
    ];

    /// <summary>The turns the generation-speed histogram records: two tokens or more.</summary>
    public static bool HasRate(TurnStats turn) => turn.CompletionTokens >= 2;

    private static string Range(TimeSpan window) => $"{(int)window.TotalMinutes}m";

    private static string Number(double value, string format = "0.##########") => value.ToString(format, CultureInfo.InvariantCulture);
}
