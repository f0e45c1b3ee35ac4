using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Tests.Journal;
using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Findings;
using Tomodachi.Inference.Tuning.Memory;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using static Tomodachi.Inference.Tests.Tuning.TuningTestData;

namespace Tomodachi.Inference.Tests.Tuning;

public sealed partial class FindingsAnalyzerTests : IDisposable
{
    private readonly TempJournal temp = new();
    private readonly SqliteRssHistory rss;

    public FindingsAnalyzerTests() => rss = new SqliteRssHistory(Options.Create(new JournalOptions { Path = temp.Path }), temp.Journal);

    public void Dispose() => temp.Dispose();

    private FindingsAnalyzer Analyzer(TuningOptions? options = null) => new(temp.Journal, rss, MemoryHistory(), new NoRetrievalStats(), Options.Create(options ?? new TuningOptions()));

    private SqliteMemoryStatsHistory MemoryHistory() => new(Options.Create(new JournalOptions { Path = temp.Path }), temp.Journal);

    private static List<RssSample> Rss(string run, int count, Func<int, long> bytes) =>
        Enumerable.Range(0, count).Select(i => new RssSample(JournalTestData.Epoch.AddMinutes(i), run, bytes(i))).ToList();

    private static List<V1.Turn> Series(int count, Func<int, V1.Turn> turn) => Enumerable.Range(0, count).Select(turn).ToList();

    [Fact]
    public void Fewer_turns_than_the_minimum_give_a_note_and_no_finding()
    {
        var report = Analyzer().Analyze(Series(4, i => Measured($"t{i}", i, completionTokens: 2)));

        Assert.Empty(report.Findings);
        Assert.Equal("Not enough turns to judge (4 of 5).", report.Note);
        Assert.Equal((4u, 5u), (report.TurnsAnalyzed, report.MinTurns));
    }

    [Fact]
    public void Healthy_turns_give_no_finding()
    {
        var report = Analyzer().Analyze(Series(10, i => Measured($"t{i}", i, completionTokens: (uint)(40 + i), tokensPerSecond: 20 + i % 2, latencyMs: 1_000 + 50 * (i % 3))));

        Assert.Empty(report.Findings);
        Assert.Equal("No findings in 10 turns.", report.Note);
    }

    [Fact]
    public void Consistently_short_replies_are_a_finding_with_their_numbers_and_turn_ids()
    {
        var turns = Series(6, i => Measured($"t{i}", i, completionTokens: 3, stop: StopReason.MaxTokens));

        var finding = Assert.Single(Analyzer().Analyze(turns).Findings);

        Assert.Equal(FindingKind.RepliesTooShort, finding.Kind);
        Assert.Equal(Severity.Critical, finding.Severity); // a mean of 3 is under half the threshold of 10
        Assert.Equal(("completion_tokens", "tokens", 3.0, 10.0, 6u, 6u), (finding.Evidence.Metric, finding.Evidence.Unit, finding.Evidence.Mean, finding.Evidence.Threshold, finding.Evidence.TurnsConsidered, finding.Evidence.TurnsMatching));
        Assert.Equal(turns.Select(t => t.Stats.TurnId), finding.Evidence.TurnIds);
        Assert.StartsWith("Raise max_tokens (6 of the short replies stopped at the limit)", finding.SuggestedAction);
    }

    [Fact]
    public void Short_replies_that_are_not_consistent_are_no_finding()
    {
        // Half short, half normal: below the default consistent fraction of 0.8.
        var report = Analyzer().Analyze(Series(10, i => Measured($"t{i}", i, completionTokens: i % 2 == 0 ? 3u : 60u)));

        Assert.Empty(report.Findings);
    }

    [Fact]
    public void Cancelled_turns_do_not_count_as_short_replies()
    {
        var turns = Series(6, i => Measured($"t{i}", i, completionTokens: 2, stop: StopReason.Cancelled))
            .Concat(Series(5, i => Measured($"ok{i}", 10 + i, completionTokens: 50)))
            .ToList();

        Assert.Empty(Analyzer().Analyze(turns).Findings);
    }

    [Fact]
    public void Consistently_long_replies_are_a_warning_to_adjust_temperature_or_retrain()
    {
        var finding = Assert.Single(Analyzer().Analyze(Series(5, i => Measured($"t{i}", i, completionTokens: 300))).Findings);

        Assert.Equal((FindingKind.RepliesTooLong, Severity.Warning), (finding.Kind, finding.Severity));
        Assert.Equal((300.0, 200.0, 1.0), (finding.Evidence.Observed, finding.Evidence.Threshold, finding.Evidence.MatchingFraction));
        Assert.Contains("temperature", finding.SuggestedAction);
    }

    [Fact]
    public void Tokens_per_second_falling_over_the_turns_is_a_throughput_finding_with_the_fitted_slope()
    {
        // 20 t/s falling linearly to 10 t/s over ten turns: a 50 % drop, twice the default 25 %.
        var finding = Assert.Single(Analyzer().Analyze(Series(10, i => Measured($"t{i}", i, tokensPerSecond: 20 - 10.0 * i / 9))).Findings);

        Assert.Equal((FindingKind.ThroughputDeclining, Severity.Critical), (finding.Kind, finding.Severity));
        Assert.Equal(-10.0 / 9, finding.Evidence.SlopePerTurn, 9);
        Assert.Equal(0.5, finding.Evidence.Observed, 9);
        Assert.Equal((0.25, 15.0, "model-a", 10u), (finding.Evidence.Threshold, Math.Round(finding.Evidence.Mean, 9), finding.Evidence.ModelId, finding.Evidence.TurnsConsidered));
        Assert.Contains("leak or degradation", finding.SuggestedAction);
    }

    [Fact]
    public void A_switch_to_a_slower_model_is_not_taken_for_declining_throughput()
    {
        var turns = Series(5, i => Measured($"a{i}", i, tokensPerSecond: 20, model: "model-a"))
            .Concat(Series(5, i => Measured($"b{i}", 5 + i, tokensPerSecond: 10, model: "model-b")))
            .ToList();

        Assert.Empty(Analyzer().Analyze(turns).Findings);
    }

    [Fact]
    public void Widely_varying_latency_is_an_inconsistency_finding_naming_the_outlying_turns()
    {
        // Nine turns of 500 ms and one of 5000 ms: mean 950, stddev 1350, variation 1.42.
        var turns = Series(10, i => Measured($"t{i}", i, latencyMs: i == 7 ? 5_000 : 500));

        var finding = Assert.Single(Analyzer().Analyze(turns).Findings);

        Assert.Equal((FindingKind.LatencyInconsistent, Severity.Critical), (finding.Kind, finding.Severity));
        Assert.Equal((950.0, 1350.0), (finding.Evidence.Mean, finding.Evidence.Stddev));
        Assert.Equal(1350.0 / 950, finding.Evidence.Observed, 9);
        Assert.Equal(["t7"], finding.Evidence.TurnIds);
        Assert.Contains("orchestrator", finding.SuggestedAction);
    }

    [Fact]
    public void Consistently_high_latency_says_the_model_is_too_large()
    {
        var finding = Assert.Single(Analyzer().Analyze(Series(6, i => Measured($"t{i}", i, latencyMs: 15_000))).Findings);

        Assert.Equal((FindingKind.LatencyHigh, Severity.Warning, 15_000.0, 10_000.0), (finding.Kind, finding.Severity, finding.Evidence.Mean, finding.Evidence.Threshold));
        Assert.Contains("too large", finding.SuggestedAction);
    }

    [Fact]
    public void Thresholds_come_from_the_options_and_evidence_ids_are_capped()
    {
        var options = new TuningOptions { MinTurns = 3, ShortReplyTokens = 60, MaxEvidenceTurnIds = 2 };

        var report = Analyzer(options).Analyze(Series(4, i => Measured($"t{i}", i, completionTokens: 50)));

        var finding = Assert.Single(report.Findings);
        Assert.Equal((FindingKind.RepliesTooShort, 60.0), (finding.Kind, finding.Evidence.Threshold));
        Assert.Equal(["t0", "t1"], finding.Evidence.TurnIds);
        Assert.Equal(2u, finding.Evidence.TurnIdsOmitted);
    }

    [Fact]
    public void The_most_severe_findings_come_first_and_unavailable_checks_are_listed()
    {
        // Short replies at 8 tokens (warning) and latency of 25 s (critical, over twice 10 s).
        var report = Analyzer().Analyze(Series(6, i => Measured($"t{i}", i, completionTokens: 8, latencyMs: 25_000)));

        Assert.Equal([FindingKind.LatencyHigh, FindingKind.RepliesTooShort], report.Findings.Select(f => f.Kind));
        Assert.Equal([Severity.Critical, Severity.Warning], report.Findings.Select(f => f.Severity));
        Assert.Equal("2 findings in 6 turns.", report.Note);
        Assert.Contains(report.UnavailableChecks, c => c.StartsWith("Memory growth"));
    }

    [Fact]
    public async Task Analysing_the_journal_reads_only_the_requested_session()
    {
        await temp.Journal.AppendAllAsync(Series(6, i => Measured($"short{i}", i, completionTokens: 2, session: "terse")));
        await temp.Journal.AppendAllAsync(Series(6, i => Measured($"fine{i}", i, completionTokens: 50, session: "chatty")));

        var terse = await Analyzer().AnalyzeAsync("terse", null, null, CancellationToken.None);
        var chatty = await Analyzer().AnalyzeAsync("chatty", null, null, CancellationToken.None);

        Assert.Equal(FindingKind.RepliesTooShort, Assert.Single(terse.Findings).Kind);
        Assert.Empty(chatty.Findings);
        Assert.Equal(6u, chatty.TurnsAnalyzed);
    }

    [Fact]
    public void RSS_growing_along_a_straight_line_is_a_leak_finding_even_with_few_turns()
    {
        // 100 MiB growing 1 MiB a minute for 30 minutes: 29 % growth, a perfect line.
        var samples = Rss("run", 30, i => (100 + i) * 1_048_576L);

        var report = Analyzer().Analyze([], samples);

        var finding = Assert.Single(report.Findings);
        Assert.Equal((FindingKind.RssGrowing, Severity.Warning), (finding.Kind, finding.Severity));
        Assert.Equal(60 * 1_048_576.0, finding.Evidence.SlopePerHour, 3);
        Assert.Equal(0.29, finding.Evidence.Observed, 9);
        Assert.Equal((1.0, 30u, "bytes"), (Math.Round(finding.Evidence.RSquared, 9), finding.Evidence.TurnsConsidered, finding.Evidence.Unit));
        Assert.Contains("leak", finding.SuggestedAction);
        Assert.Equal("Not enough turns to judge (0 of 5).", report.Note);
    }

    [Fact]
    public void RSS_that_wobbles_without_a_trend_is_no_finding()
    {
        Assert.Empty(Analyzer().Analyze([], Rss("run", 30, i => (100 + (i % 2 == 0 ? 40 : 0)) * 1_048_576L)).Findings);
    }

    [Fact]
    public async Task Only_the_latest_process_run_is_judged_for_RSS_growth()
    {
        // The earlier run leaked; after the restart RSS is flat.
        foreach (var sample in Rss("before-restart", 20, i => (100 + 5 * i) * 1_048_576L)
            .Concat(Rss("after-restart", 20, _ => 100 * 1_048_576L).Select(s => s with { At = s.At.AddHours(1) })))
        {
            await rss.AddAsync(sample, CancellationToken.None);
        }

        var now = await Analyzer().AnalyzeAsync(null, null, null, CancellationToken.None);
        var then = await Analyzer().AnalyzeAsync(null, null, At(JournalTestData.Epoch.AddMinutes(30)), CancellationToken.None);

        Assert.Empty(now.Findings);
        Assert.Equal(FindingKind.RssGrowing, Assert.Single(then.Findings).Kind);
    }
}
