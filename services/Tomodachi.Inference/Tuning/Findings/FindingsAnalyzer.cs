using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Tuning.Memory;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Findings;

/// <summary>
/// Judges a run of journaled turns against the thresholds in <see cref="TuningOptions"/>. Reply length is judged
/// over all turns; throughput and latency per model, because a model switch would otherwise look like a leak.
/// </summary>
public sealed class FindingsAnalyzer(
    ITurnJournal journal, IRssHistory rssHistory, IMemoryStatsHistory memoryHistory, IRetrievalStatsSource retrievals, IOptions<TuningOptions> options)
{
    private readonly TuningOptions limits = options.Value;
    private readonly MemoryGrowthCheck memoryGrowth = new(options.Value);
    private readonly RagCheck rag = new(options.Value);

    /// <summary>
    /// Findings over the newest <see cref="TuningOptions.MaxTurnsAnalyzed"/> turns of a session and/or time window,
    /// plus RSS growth of the latest process run in the window (not for a session: RSS belongs to the process).
    /// </summary>
    /// <exception cref="ArgumentException">since is after until.</exception>
    public async Task<GetFindingsResponse> AnalyzeAsync(string? sessionId, Timestamp? since, Timestamp? until, CancellationToken ct)
    {
        var turns = new List<Turn>();
        await foreach (var rated in journal.ReadAsync(new TurnQuery(sessionId, since, until, limits.MaxTurnsAnalyzed), ct))
        {
            turns.Add(rated.Turn);
        }

        if (!string.IsNullOrEmpty(sessionId))
        {
            return Analyze(turns);
        }

        var rss = await rssHistory.ReadLatestRunAsync(since?.ToDateTimeOffset(), until?.ToDateTimeOffset(), limits.MaxTurnsAnalyzed, ct);
        var memory = await memoryHistory.ReadAsync(since?.ToDateTimeOffset(), until?.ToDateTimeOffset(), limits.MaxTurnsAnalyzed, ct);
        // The window's turns are counted by the journal: the turns read above stop at MaxTurnsAnalyzed.
        var turnsInWindow = memory.Count == 0 ? 0
            : await journal.CountAsync(Timestamp.FromDateTimeOffset(memory[0].At), Timestamp.FromDateTimeOffset(memory[^1].At), ct);
        var (retrieval, retrievalUnavailable) = await retrievals.ReadAsync(ct);
        return Analyze(turns, rss, new MemoryGrowthWindow(memory, turnsInWindow), retrieval, retrievalUnavailable);
    }

    /// <summary>
    /// Findings over <paramref name="turns"/> and <paramref name="rss"/> (both oldest first) and the memory-store
    /// window (null for one session), most severe first.
    /// </summary>
    /// <param name="retrieval">The memory service's retrieval stats; null for one session, or when it did not answer
    /// (<paramref name="retrievalUnavailable"/> says why).</param>
    public GetFindingsResponse Analyze(
        IReadOnlyList<Turn> turns, IReadOnlyList<RssSample>? rss = null, MemoryGrowthWindow? memory = null,
        GetRetrievalStatsResponse? retrieval = null, string? retrievalUnavailable = null)
    {
        var findings = new List<Finding>();
        Add(findings, RssGrowth(rss ?? []));
        var (memoryFinding, memoryUnavailable) = memoryGrowth.Judge(memory);
        Add(findings, memoryFinding);
        var response = new GetFindingsResponse
        {
            TurnsAnalyzed = (uint)turns.Count,
            MinTurns = (uint)limits.MinTurns,
        };
        if (memoryUnavailable is not null)
        {
            response.UnavailableChecks.Add(memoryUnavailable);
        }

        if (turns.Count < limits.MinTurns)
        {
            response.Findings.AddRange(findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Kind));
            response.Note = $"Not enough turns to judge ({turns.Count} of {limits.MinTurns}).";
            return response;
        }

        // A cancelled reply is as long as the user let it be; it says nothing about the model.
        var (ragFinding, ragUnavailable) = rag.Judge(turns, retrieval, retrievalUnavailable);
        Add(findings, ragFinding);
        if (ragUnavailable is not null)
        {
            response.UnavailableChecks.Add(ragUnavailable);
        }

        var finished = turns.Where(t => t.Stats.StopReason != StopReason.Cancelled).ToList();
        Add(findings, ShortReplies(finished));
        Add(findings, LongReplies(finished));
        foreach (var model in turns.GroupBy(t => t.Stats.ModelId).Where(g => g.Count() >= limits.MinTurns))
        {
            var modelTurns = model.ToList();
            Add(findings, DecliningThroughput(model.Key, modelTurns));
            Add(findings, InconsistentLatency(model.Key, modelTurns));
            Add(findings, HighLatency(model.Key, modelTurns));
        }

        response.Findings.AddRange(findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Kind));
        response.Note = findings.Count == 0
            ? $"No findings in {turns.Count} turns."
            : $"{findings.Count} finding{(findings.Count == 1 ? "" : "s")} in {turns.Count} turns.";
        return response;
    }

    private static void Add(List<Finding> findings, Finding? finding)
    {
        if (finding is not null)
        {
            findings.Add(finding);
        }
    }

    private Finding? ShortReplies(List<Turn> turns)
    {
        var evidence = Consistently(turns, "completion_tokens", "tokens", t => t.Stats.CompletionTokens, v => v < limits.ShortReplyTokens, limits.ShortReplyTokens);
        if (evidence is null)
        {
            return null;
        }

        var hitLimit = turns.Count(t => t.Stats.CompletionTokens < limits.ShortReplyTokens && t.Stats.StopReason == StopReason.MaxTokens);
        return new Finding
        {
            Kind = FindingKind.RepliesTooShort,
            Severity = evidence.Observed < limits.ShortReplyTokens / 2.0 ? Severity.Critical : Severity.Warning,
            Title = $"Replies are too short: {Format(evidence.Observed)} tokens on average, {evidence.TurnsMatching} of {evidence.TurnsConsidered} under {limits.ShortReplyTokens}",
            Evidence = evidence,
            SuggestedAction = hitLimit * 2 > evidence.TurnsMatching
                ? $"Raise max_tokens ({hitLimit} of the short replies stopped at the limit), or retrain on longer replies."
                : "Raise max_tokens or retrain on longer replies: most short replies ended by themselves.",
        };
    }

    private Finding? LongReplies(List<Turn> turns)
    {
        var evidence = Consistently(turns, "completion_tokens", "tokens", t => t.Stats.CompletionTokens, v => v > limits.LongReplyTokens, limits.LongReplyTokens);
        return evidence is null ? null : new Finding
        {
            Kind = FindingKind.RepliesTooLong,
            Severity = evidence.Observed > limits.LongReplyTokens * 2.0 ? Severity.Critical : Severity.Warning,
            Title = $"Replies are too long: {Format(evidence.Observed)} tokens on average, {evidence.TurnsMatching} of {evidence.TurnsConsidered} over {limits.LongReplyTokens}",
            Evidence = evidence,
            SuggestedAction = "Adjust the persona's temperature (or max_tokens), or retrain on shorter replies.",
        };
    }

    private Finding? DecliningThroughput(string modelId, List<Turn> turns)
    {
        // Turns that generated nothing have no rate; leaving them in would read as a collapse.
        var measured = turns.Where(t => t.Stats.GenerationTokensPerSecond > 0).ToList();
        if (measured.Count < limits.MinTurns)
        {
            return null;
        }

        var rates = measured.Select(t => t.Stats.GenerationTokensPerSecond).ToList();
        var (intercept, slope, _) = Statistics.LeastSquaresLine(rates);
        var last = intercept + slope * (rates.Count - 1);
        if (intercept <= 0)
        {
            return null;
        }

        var drop = (intercept - last) / intercept;
        if (drop < limits.ThroughputDropFraction)
        {
            return null;
        }

        var evidence = Describe("generation_tokens_per_second", "tokens/s", rates, limits.ThroughputDropFraction, drop, measured, measured.Count);
        evidence.SlopePerTurn = slope;
        evidence.ModelId = modelId;
        return new Finding
        {
            Kind = FindingKind.ThroughputDeclining,
            Severity = drop >= 2 * limits.ThroughputDropFraction ? Severity.Critical : Severity.Warning,
            Title = $"Generation speed of {modelId} fell {Format(drop * 100)}% over {measured.Count} turns ({Format(intercept)} to {Format(last)} tokens/s)",
            Evidence = evidence,
            SuggestedAction = "Look for a leak or degradation: compare RSS over the same turns, restart the service and see whether the speed recovers.",
        };
    }

    private Finding? RssGrowth(IReadOnlyList<RssSample> samples)
    {
        if (samples.Count < limits.MinRssSamples)
        {
            return null;
        }

        var hours = samples.Select(s => (s.At - samples[0].At).TotalHours).ToList();
        var bytes = samples.Select(s => (double)s.RssBytes).ToList();
        var (first, slope, rSquared) = Statistics.LeastSquaresLine(hours, bytes);
        var last = first + slope * hours[^1];
        if (first <= 0 || rSquared < limits.RssLinearity || (last - first) / first < limits.RssGrowthFraction)
        {
            return null;
        }

        var growth = (last - first) / first;
        var evidence = Describe("rss_bytes", "bytes", bytes, limits.RssGrowthFraction, growth, [], samples.Count);
        (evidence.TurnsMatching, evidence.MatchingFraction, evidence.SlopePerHour, evidence.RSquared) = ((uint)samples.Count, 1, slope, rSquared);
        return new Finding
        {
            Kind = FindingKind.RssGrowing,
            Severity = growth >= 2 * limits.RssGrowthFraction ? Severity.Critical : Severity.Warning,
            Title = $"RSS grew {Format(growth * 100)}% in {Format(hours[^1])} h ({Format(first / 1048576)} to {Format(last / 1048576)} MiB), steadily (R² {Format(rSquared)})",
            Evidence = evidence,
            SuggestedAction = "Look for a leak: RSS climbs steadily while the service runs. Restart to confirm it falls back, then compare with the turns and model loads of the period.",
        };
    }

    private Finding? InconsistentLatency(string modelId, List<Turn> turns)
    {
        var latencies = turns.Select(t => t.Stats.TotalLatencyMs).ToList();
        var mean = Statistics.Mean(latencies);
        var stddev = Statistics.StandardDeviation(latencies);
        if (mean <= 0 || stddev / mean < limits.LatencyVariationThreshold)
        {
            return null;
        }

        var variation = stddev / mean;
        // The turns behind the spread are the ones more than a standard deviation from the mean.
        var outliers = turns.Where(t => Math.Abs(t.Stats.TotalLatencyMs - mean) > stddev).ToList();
        var evidence = Describe("total_latency_ms", "ms", latencies, limits.LatencyVariationThreshold, variation, outliers, turns.Count);
        evidence.ModelId = modelId;
        return new Finding
        {
            Kind = FindingKind.LatencyInconsistent,
            Severity = variation >= 2 * limits.LatencyVariationThreshold ? Severity.Critical : Severity.Warning,
            Title = $"Latency of {modelId} is inconsistent: {Format(mean)} ± {Format(stddev)} ms (variation {Format(variation)})",
            Evidence = evidence,
            SuggestedAction = "Check the orchestrator's routing: similar messages should take the same path (persona, memory search).",
        };
    }

    private Finding? HighLatency(string modelId, List<Turn> turns)
    {
        var evidence = Consistently(turns, "total_latency_ms", "ms", t => t.Stats.TotalLatencyMs, v => v > limits.HighLatencyMs, limits.HighLatencyMs);
        if (evidence is null)
        {
            return null;
        }

        evidence.ModelId = modelId;
        return new Finding
        {
            Kind = FindingKind.LatencyHigh,
            Severity = evidence.Observed > 2 * limits.HighLatencyMs ? Severity.Critical : Severity.Warning,
            Title = $"Turns of {modelId} are slow: {Format(evidence.Observed)} ms on average, {evidence.TurnsMatching} of {evidence.TurnsConsidered} over {Format(limits.HighLatencyMs)} ms",
            Evidence = evidence,
            SuggestedAction = "The model is probably too large for this machine: try a smaller or more quantized model.",
        };
    }

    /// <summary>Evidence when at least <see cref="TuningOptions.ConsistentFraction"/> of the turns are past the threshold, else null.</summary>
    private Evidence? Consistently(List<Turn> turns, string metric, string unit, Func<Turn, double> value, Func<double, bool> past, double threshold)
    {
        if (turns.Count < limits.MinTurns)
        {
            return null;
        }

        var matching = turns.Where(t => past(value(t))).ToList();
        if (matching.Count < limits.ConsistentFraction * turns.Count)
        {
            return null;
        }

        var values = turns.Select(value).ToList();
        return Describe(metric, unit, values, threshold, Statistics.Mean(values), matching, turns.Count);
    }

    private Evidence Describe(string metric, string unit, List<double> values, double threshold, double observed, List<Turn> behind, int considered)
    {
        var evidence = new Evidence
        {
            Metric = metric,
            Unit = unit,
            TurnsConsidered = (uint)considered,
            TurnsMatching = (uint)behind.Count,
            Mean = Statistics.Mean(values),
            Stddev = Statistics.StandardDeviation(values),
            Threshold = threshold,
            Observed = observed,
            MatchingFraction = (double)behind.Count / considered,
            TurnIdsOmitted = (uint)Math.Max(0, behind.Count - limits.MaxEvidenceTurnIds),
        };
        evidence.TurnIds.AddRange(behind.Take(limits.MaxEvidenceTurnIds).Select(t => t.Stats.TurnId));
        return evidence;
    }

    private static string Format(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
