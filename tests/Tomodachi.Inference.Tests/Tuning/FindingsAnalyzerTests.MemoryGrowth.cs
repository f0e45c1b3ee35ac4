using Tomodachi.Inference.Tests.Journal;
using Tomodachi.Inference.Tuning.Findings;
using Tomodachi.Inference.Tuning.Memory;
using Tomodachi.Tuning.V1;
using static Tomodachi.Inference.Tests.Tuning.TuningTestData;

namespace Tomodachi.Inference.Tests.Tuning;

// The memory-growth finding: memories added in a window against the turns journaled in it.
public sealed partial class FindingsAnalyzerTests
{
    /// <summary>One sample a minute; <paramref name="count"/> gives the memory count of sample i, 1000 bytes per memory.</summary>
    private static List<MemoryStatsSample> Samples(int samples, Func<int, long> count, Func<int, string>? backend = null) =>
        Enumerable.Range(0, samples)
            .Select(i => new MemoryStatsSample(JournalTestData.Epoch.AddMinutes(i), count(i), count(i) * 1000, backend?.Invoke(i) ?? "embedded"))
            .ToList();

    [Fact]
    public void Memories_growing_faster_than_the_turns_explain_are_a_finding_with_counts_window_and_bytes_per_memory()
    {
        // 10 samples, 10 memories more each minute: 90 added while 6 turns would explain 12.
        var samples = Samples(10, i => 100 + 10 * i);

        var report = Analyzer().Analyze([], memory: new MemoryGrowthWindow(samples, TurnsInWindow: 6));

        var finding = Assert.Single(report.Findings);
        Assert.Equal((FindingKind.MemoryGrowingFast, Severity.Critical), (finding.Kind, finding.Severity)); // 7.5 times, over twice 1.5
        var evidence = finding.Evidence;
        Assert.Equal((90UL, 12.0, 7.5, 1.5, 6u, 10u, 1000.0), (evidence.MemoriesAdded, evidence.ExpectedMemories, evidence.Observed,
            evidence.Threshold, evidence.TurnsConsidered, evidence.SamplesConsidered, evidence.BytesPerMemory));
        Assert.Equal((JournalTestData.Epoch, JournalTestData.Epoch.AddMinutes(9)), (evidence.WindowStart.ToDateTimeOffset(), evidence.WindowEnd.ToDateTimeOffset()));
        Assert.Equal("Memory grew by 90 memories in 0.2 h while 6 turns were journaled: 7.5 times the expected 12", finding.Title);
        Assert.StartsWith("Review ingestion (duplicates? notes stored per token?)", finding.SuggestedAction);
        Assert.Empty(report.UnavailableChecks);
    }

    [Theory]
    [InlineData(20, 10, false)] // 2 per turn: as expected
    [InlineData(30, 10, false)] // 1.5 times: at the threshold, not past it
    [InlineData(31, 10, true)]
    [InlineData(16, 0, true)]   // no turns: expected is still 5 turns' worth (10), so 16 is past 1.5 times
    [InlineData(15, 0, false)]
    public void Growth_is_judged_against_two_memories_per_turn_times_the_factor(int added, int turns, bool finding)
    {
        var samples = Samples(10, i => i == 9 ? added : 0);

        var report = Analyzer().Analyze([], memory: new MemoryGrowthWindow(samples, turns));

        Assert.Equal(finding, report.Findings.Any(f => f.Kind == FindingKind.MemoryGrowingFast));
    }

    [Fact]
    public void Deletions_and_a_switch_of_backend_are_not_counted_as_growth()
    {
        // Drops to 0 (a session deleted), then the store switches to Qdrant with 500 memories of its own.
        var samples = Samples(10, i => i switch { < 4 => 100 + i, < 7 => 0, _ => 500 + i }, i => i < 7 ? "embedded" : "qdrant");

        var report = Analyzer().Analyze([], memory: new MemoryGrowthWindow(samples, 1));

        Assert.Empty(report.Findings); // 3 + 2 added, against an expectation of 10
    }

    [Fact]
    public void Too_few_samples_list_the_check_as_unavailable_with_the_reason()
    {
        var report = Analyzer().Analyze([], memory: new MemoryGrowthWindow(Samples(3, i => 1000 * i), 0));

        Assert.Empty(report.Findings);
        Assert.Equal("Memory growth (ingestion): 3 of 10 samples of the memory service's stats in the window (one every 00:01:00, none while the memory service is down).",
            Assert.Single(report.UnavailableChecks));
    }

    [Fact]
    public async Task Analysing_the_journal_counts_the_turns_journaled_between_the_first_and_last_sample()
    {
        foreach (var sample in Samples(10, i => 10 * i))
        {
            await MemoryHistory().AddAsync(sample, CancellationToken.None);
        }

        // Minutes 2..7 are inside the samples' window (minute 0 to 9), -5 and 30 outside it.
        await temp.Journal.AppendAllAsync([.. Enumerable.Range(2, 6).Select(i => Measured($"in{i}", i)), Measured("before", -5), Measured("after", 30)]);

        var report = await Analyzer().AnalyzeAsync(null, null, null, CancellationToken.None);
        var evidence = Assert.Single(report.Findings, f => f.Kind == FindingKind.MemoryGrowingFast).Evidence;

        Assert.Equal((6u, 90UL, 12.0), (evidence.TurnsConsidered, evidence.MemoriesAdded, evidence.ExpectedMemories));
        Assert.Empty(report.UnavailableChecks);
    }

    [Fact]
    public async Task Findings_for_one_session_list_memory_growth_as_unavailable()
    {
        var report = await Analyzer().AnalyzeAsync("s1", null, null, CancellationToken.None);

        Assert.Equal("Memory growth (ingestion): not judged for one session_id; the memory store is shared by every session.", Assert.Single(report.UnavailableChecks));
    }
}
