using Microsoft.Extensions.Options;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Alerts;

/// <summary>One banner: what crossed which threshold.</summary>
public sealed record Alert(string Kind, string Message);

/// <summary>Compares the latest figures with the configured thresholds.</summary>
public sealed class AlertEvaluator(IOptions<AlertThresholdOptions> options)
{
    private readonly AlertThresholdOptions thresholds = options.Value;

    public IReadOnlyList<Alert> Evaluate(TurnStats? lastTurn, ProcessMemory? memory)
    {
        var alerts = new List<Alert>();
        if (lastTurn is not null)
        {
            var latency = lastTurn.TotalLatencyMs / 1000;
            if (latency > thresholds.LatencySeconds)
            {
                alerts.Add(new Alert("latency",
                    $"Slow reply: the last turn took {StatusFormat.Seconds(lastTurn.TotalLatencyMs)} (limit {thresholds.LatencySeconds.ToString(StatusFormat.Invariant)}s)."));
            }

            // A turn that generated nothing has no speed to judge.
            if (lastTurn.CompletionTokens > 0 && lastTurn.GenerationTokensPerSecond < thresholds.MinTokensPerSecond)
            {
                alerts.Add(new Alert("throughput",
                    $"Slow generation: {StatusFormat.TokensPerSecond(lastTurn.GenerationTokensPerSecond)} (minimum {thresholds.MinTokensPerSecond.ToString(StatusFormat.Invariant)} t/s)."));
            }
        }

        if (memory is not null && memory.RssBytes > (ulong)thresholds.RssBytes)
        {
            alerts.Add(new Alert("rss",
                $"High memory: the inference process uses {StatusFormat.Megabytes1(memory.RssBytes)} (limit {StatusFormat.Megabytes1((ulong)thresholds.RssBytes)})."));
        }

        return alerts;
    }
}
