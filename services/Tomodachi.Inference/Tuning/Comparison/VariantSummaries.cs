using Tomodachi.Inference.Tuning.Findings;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>Aggregates one side's replies into the figures the report puts side by side.</summary>
public static class VariantSummaries
{
    public static VariantSummary Summarize(ComparisonVariant variant, IReadOnlyList<ComparisonReply> replies, ulong rssBytes)
    {
        var latencies = replies.Select(r => r.LatencyMs).ToList();
        var lengths = replies.Select(r => (double)r.CompletionTokens).ToList();
        return new VariantSummary
        {
            Variant = variant,
            MeanGenerationTokensPerSecond = Statistics.Mean(replies.Select(r => r.GenerationTokensPerSecond).ToList()),
            MeanTimeToFirstTokenMs = Statistics.Mean(replies.Select(r => r.TimeToFirstTokenMs).ToList()),
            MeanLatencyMs = Statistics.Mean(latencies),
            P50LatencyMs = Statistics.Percentile(latencies, 50),
            P95LatencyMs = Statistics.Percentile(latencies, 95),
            RssBytes = rssBytes,
            ReplyTokens = { replies.Select(r => r.CompletionTokens) },
            MeanReplyTokens = Statistics.Mean(lengths),
            MinReplyTokens = replies.Min(r => r.CompletionTokens),
            MaxReplyTokens = replies.Max(r => r.CompletionTokens),
        };
    }
}
