using System.Globalization;
using System.Text;

namespace Tomodachi.LoadRun;

/// <summary>RSS readings of one service: before the run, after warm-up, at the end.</summary>
public sealed record RssSeries(string Service, int Pid, long Before, long AfterWarmup, long End)
{
    /// <summary>Growth from the reading after warm-up to the end, as a fraction.</summary>
    public double Growth => AfterWarmup == 0 ? double.NaN : (End - AfterWarmup) / (double)AfterWarmup;
}

/// <summary>Memories the memory service held before the run, after warm-up and at the end.</summary>
public sealed record MemoryCounts(ulong Before, ulong AfterWarmup, ulong End);

/// <summary>The markdown block for docs/benchmarks.md, and the verdicts behind the exit code.</summary>
public static class Report
{
    public const double GrowthTarget = 0.05;

    public static string Markdown(LoadOptions options, LoadResult result, IReadOnlyList<RssSeries> rss, MemoryCounts memories, string suite, string model,
        string loadBefore, string loadAfter, DateTimeOffset startedAt)
    {
        var measured = result.Chats.Where(c => c.AfterWarmup).ToList();
        var seconds = result.MeasuredFor.TotalSeconds;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"### Load run, {startedAt:yyyy-MM-dd HH:mm} UTC"));
        text.AppendLine();
        text.Append(Invariant($"{options.Clients} chat clients × {options.Messages} messages ({options.Turns} turns, max_tokens {options.MaxTokens}), "));
        text.Append(Invariant($"first {options.WarmupTurns} turns warm-up; one memory Search every {options.SearchInterval.TotalMilliseconds} ms and one knob "));
        text.Append(Invariant($"Simulate(ROTATE ±1) every {options.KnobInterval.TotalMilliseconds} ms alongside; all through the gateway's gRPC port on loopback. "));
        text.Append(Invariant($"Model: {model}. Suite: {suite}. {Environment.ProcessorCount} cores, load average {loadBefore} before, {loadAfter} after."));
        text.AppendLine(result.StoppedByDeadline ? Invariant($" **Stopped by the {options.Deadline.TotalMinutes}-minute deadline.**") : "");
        text.AppendLine();
        text.AppendLine("| Figure | Value |");
        text.AppendLine("|---|---|");
        text.AppendLine(Invariant($"| Turns finished | {result.Chats.Count} of {options.Turns} ({measured.Count} after warm-up) |"));
        text.AppendLine(Invariant($"| Throughput after warm-up | {Rate(measured.Count, seconds)} turns/s, {Rate(measured.Sum(c => (long)c.CompletionTokens), seconds)} tokens/s (completion tokens from the server's stats, over {seconds:F1} s) |"));
        text.AppendLine($"| Chat latency p50 / p95 / p99 | {Percentiles(measured.Select(c => c.LatencyMs))} |");
        text.AppendLine($"| Time to first token p50 / p95 / p99 | {Percentiles(measured.Select(c => c.TimeToFirstTokenMs).Where(double.IsFinite))} |");
        text.AppendLine(Invariant($"| Memory Search p50 / p95 / p99 | {Percentiles(result.SearchMs)} ({result.SearchMs.Count} calls) |"));
        text.AppendLine(Invariant($"| Knob Simulate p50 / p95 / p99 | {Percentiles(result.KnobMs)} ({result.KnobMs.Count} calls) |"));
        text.AppendLine(Invariant($"| Memories held by the memory service | {memories.Before} before, {memories.AfterWarmup} after warm-up, {memories.End} at the end |"));
        text.AppendLine($"| Errors by status | {(result.Errors.Count == 0 ? "none" : string.Join(", ", result.Errors.OrderBy(e => e.Key).Select(e => $"{e.Key} × {e.Value}")))} |");
        text.AppendLine();
        text.AppendLine("| Process | pid | RSS before | after warm-up | at the end | growth after warm-up |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var series in rss)
        {
            var verdict = series.Growth <= GrowthTarget ? "within" : "**over**";
            text.AppendLine(Invariant($"| {series.Service} | {series.Pid} | {Mib(series.Before)} | {Mib(series.AfterWarmup)} | {Mib(series.End)} | {series.Growth:+0.0 %;-0.0 %} ({verdict} the {GrowthTarget:0 %} target) |"));
        }

        text.AppendLine();
        text.AppendLine("Latencies are the client's: request sent → last message (chat), → first text delta (TTFT). RSS is VmRSS from " +
            "/proc/<pid>/status of each service process (inference: its own GetProcessMemory, read the same way); MiB = 1024² bytes.");
        return text.ToString();
    }

    /// <summary>Only RESOURCE_EXHAUSTED is an acceptable answer under load: the service saying it is full.</summary>
    public static IReadOnlyList<string> UnacceptableErrors(LoadResult result) =>
        [.. result.Errors.Keys.Where(key => !key.EndsWith(" ResourceExhausted", StringComparison.Ordinal))];

    private static string Percentiles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? "no samples"
            : Invariant($"{Rank(sorted, 0.50):F1} / {Rank(sorted, 0.95):F1} / {Rank(sorted, 0.99):F1} ms");
    }

    // Nearest rank: the smallest sample with at least p of the samples at or below it.
    private static double Rank(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Rate(long count, double seconds) => seconds > 0 ? Invariant($"{count / seconds:F2}") : "n/a";

    private static string Mib(long bytes) => Invariant($"{bytes / 1024.0 / 1024.0:F1} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
