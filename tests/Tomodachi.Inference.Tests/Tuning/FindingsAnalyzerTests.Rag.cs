using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Memory;
using Tomodachi.Memory.V1;
using Tomodachi.Tuning.V1;
using static Tomodachi.Inference.Tests.Tuning.TuningTestData;

namespace Tomodachi.Inference.Tests.Tuning;

/// <summary>"Is RAG working?": turns that used memories (journal) against the memory service's retrieval stats.</summary>
public sealed partial class FindingsAnalyzerTests
{
    [Fact]
    public void Few_turns_with_memories_are_a_RAG_finding_with_the_hit_scores_and_unretrieved_memories_as_evidence()
    {
        // 1 of 10 turns carried memories; the service's hits are mostly strong.
        var turns = Series(10, i => WithMemories(Measured($"t{i}", i), i == 0 ? 3u : 0u));
        var stats = Retrieval(histogram: [0, 0, 0, 1, 2, 5, 6, 4, 2, 0], memories: 40, retrieved: 12, weakOnly: 1, searches: 30);

        var report = Analyzer().Analyze(turns, retrieval: stats);

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.RagIneffective);
        // 10 % is below the 20 % wanted but not below half of it.
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(0.1, finding.Evidence.TurnsWithMemoriesFraction, 6);
        Assert.Equal((1u, 10u), (finding.Evidence.TurnsMatching, finding.Evidence.TurnsConsidered));
        Assert.Equal(stats.HitScoreHistogram, finding.Evidence.HitScoreHistogram);
        Assert.Equal(0.0, finding.Evidence.WeakHitFraction, 6);
        Assert.Equal((28ul, 1ul, 30ul), (finding.Evidence.MemoriesNeverRetrieved, finding.Evidence.MemoriesWeakOnly, finding.Evidence.Searches));
        Assert.Contains("10 % of 10 turns used memories", finding.Title);
        Assert.Contains("orchestrator", finding.SuggestedAction);
    }

    [Fact]
    public void No_turn_with_memories_is_a_critical_RAG_finding()
    {
        var turns = Series(10, i => Measured($"t{i}", i));
        var stats = Retrieval(histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], memories: 40, retrieved: 0, weakOnly: 0, searches: 0);

        var finding = Assert.Single(Analyzer().Analyze(turns, retrieval: stats).Findings, f => f.Kind == FindingKind.RagIneffective);

        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal(40ul, finding.Evidence.MemoriesNeverRetrieved);
    }

    [Fact]
    public void Mostly_weak_hits_are_a_RAG_finding_even_when_every_turn_used_memories()
    {
        var turns = Series(10, i => WithMemories(Measured($"t{i}", i), 3));
        // 14 of 20 hits below 0.3 (the first three bands).
        var stats = Retrieval(histogram: [4, 5, 5, 2, 2, 1, 1, 0, 0, 0], memories: 50, retrieved: 20, weakOnly: 9, searches: 10);

        var finding = Assert.Single(Analyzer().Analyze(turns, retrieval: stats).Findings, f => f.Kind == FindingKind.RagIneffective);

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(0.7, finding.Evidence.WeakHitFraction, 6);
        Assert.Contains("70 % of 20 hits scored below 0.3", finding.Title);
        Assert.Contains("embedder", finding.SuggestedAction);
    }

    [Fact]
    public void Turns_with_memories_and_strong_hits_are_no_finding()
    {
        var turns = Series(10, i => WithMemories(Measured($"t{i}", i), 2));
        var stats = Retrieval(histogram: [0, 0, 1, 2, 4, 6, 4, 2, 1, 0], memories: 30, retrieved: 25, weakOnly: 0, searches: 10);

        var report = Analyzer().Analyze(turns, retrieval: stats);

        Assert.DoesNotContain(report.Findings, f => f.Kind == FindingKind.RagIneffective);
        Assert.DoesNotContain(report.UnavailableChecks, c => c.StartsWith("Memory retrieval", StringComparison.Ordinal));
    }

    [Fact]
    public void A_memory_service_without_retrieval_stats_is_named_as_an_unavailable_check()
    {
        var turns = Series(10, i => WithMemories(Measured($"t{i}", i), 2));

        var report = Analyzer().Analyze(turns, retrievalUnavailable: "the memory service did not give its retrieval stats (Unavailable: down)");

        Assert.Contains("Memory retrieval (RAG): the memory service did not give its retrieval stats (Unavailable: down)", report.UnavailableChecks);
    }

    private static V1.Turn WithMemories(V1.Turn turn, uint memories)
    {
        turn.Stats.MemoriesUsed = memories;
        return turn;
    }

    private static GetRetrievalStatsResponse Retrieval(ulong[] histogram, ulong memories, ulong retrieved, ulong weakOnly, ulong searches) => new()
    {
        Searches = searches,
        SearchesWithHits = searches,
        Hits = histogram.Aggregate(0ul, (sum, b) => sum + b),
        HitScoreHistogram = { histogram },
        Memories = memories,
        MemoriesRetrieved = retrieved,
        MemoriesLowScoreOnly = weakOnly,
        LowScoreThreshold = 0.3f,
    };
}

/// <summary>No memory service to ask: the analyzer's tests give it the retrieval stats directly.</summary>
internal sealed class NoRetrievalStats : IRetrievalStatsSource
{
    public Task<(GetRetrievalStatsResponse? Stats, string? Unavailable)> ReadAsync(CancellationToken ct) =>
        Task.FromResult<(GetRetrievalStatsResponse?, string?)>((null, null));
}
