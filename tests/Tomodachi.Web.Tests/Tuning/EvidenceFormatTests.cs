using Tomodachi.Tuning.V1;
using Tomodachi.Web.Tuning;

namespace Tomodachi.Web.Tests.Tuning;

public sealed class EvidenceFormatTests
{
    [Fact]
    public void Reply_length_evidence_is_in_tokens()
    {
        var finding = TuningData.ShortReplies();

        Assert.Equal("4.2 tokens", EvidenceFormat.Observed(finding.Kind, finding.Evidence));
        Assert.Equal("10.0 tokens", EvidenceFormat.Threshold(finding.Kind, finding.Evidence));
        Assert.Equal("4.2 tokens ± 1.5 tokens", EvidenceFormat.Spread(finding.Evidence));
        Assert.Equal("9 of 10 turns (90 %)", EvidenceFormat.Matching(finding.Kind, finding.Evidence));
        Assert.Null(EvidenceFormat.Trend(finding.Evidence));
    }

    [Fact]
    public void A_throughput_drop_is_a_percentage_with_its_slope_per_turn()
    {
        var finding = TuningData.ThroughputDeclining();

        Assert.Equal("30 %", EvidenceFormat.Observed(finding.Kind, finding.Evidence));
        Assert.Equal("25 %", EvidenceFormat.Threshold(finding.Kind, finding.Evidence));
        Assert.Equal("-1.3 tokens/s per turn", EvidenceFormat.Trend(finding.Evidence));
    }

    [Fact]
    public void Latency_variation_is_a_bare_coefficient()
    {
        var evidence = new Evidence { Unit = "ms", Threshold = 0.5, Observed = 0.734 };

        Assert.Equal("variation 0.73", EvidenceFormat.Observed(FindingKind.LatencyInconsistent, evidence));
        Assert.Equal("variation 0.50", EvidenceFormat.Threshold(FindingKind.LatencyInconsistent, evidence));
    }

    [Fact]
    public void Rss_growth_counts_samples_and_shows_bytes_as_MiB_per_hour()
    {
        var evidence = new Evidence { Unit = "bytes", TurnsConsidered = 12, TurnsMatching = 12, MatchingFraction = 1, SlopePerHour = 50 * 1024 * 1024 };

        Assert.Equal("12 of 12 samples (100 %)", EvidenceFormat.Matching(FindingKind.RssGrowing, evidence));
        Assert.Equal("+50.0 MiB per hour", EvidenceFormat.Trend(evidence));
    }

    [Fact]
    public void Memory_growth_is_a_multiple_of_the_expected_memories_with_the_counts_behind_it()
    {
        var evidence = new Evidence { Unit = "memories", Threshold = 3, Observed = 20.3, MemoriesAdded = 812, ExpectedMemories = 40, SamplesConsidered = 12 };

        Assert.Equal("×20.3 the expected memories", EvidenceFormat.Observed(FindingKind.MemoryGrowingFast, evidence));
        Assert.Equal("×3.0 the expected memories", EvidenceFormat.Threshold(FindingKind.MemoryGrowingFast, evidence));
        Assert.Equal("812 added, 40.0 expected (12 samples)", EvidenceFormat.Memories(evidence));
        Assert.Null(EvidenceFormat.Memories(TuningData.ShortReplies().Evidence));
    }

    [Fact]
    public void A_kind_this_build_does_not_know_shows_its_numbers_in_its_unit()
    {
        var evidence = new Evidence { Unit = "memories/h", Threshold = 500, Observed = 812 };

        Assert.Equal("812.0 memories/h", EvidenceFormat.Observed((FindingKind)99, evidence));
    }

    [Theory]
    [InlineData(Severity.Critical, "Critical")]
    [InlineData(Severity.Warning, "Warning")]
    [InlineData(Severity.Unspecified, "Note")]
    public void Severity_reads_as_a_word(Severity severity, string word) => Assert.Equal(word, EvidenceFormat.Severity(severity));
}
