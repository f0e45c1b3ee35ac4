using Grpc.Core;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Components.Tuning;

namespace Tomodachi.Web.Tests.Components;

public sealed class FindingsSectionTests : TuningTestContext
{
    [Fact]
    public void A_finding_shows_title_severity_evidence_with_units_turns_and_the_suggested_action()
    {
        Tuning.Findings = new GetFindingsResponse
        {
            Findings = { TuningData.ShortReplies() },
            TurnsAnalyzed = 10,
            MinTurns = 5,
            Note = "1 finding in 10 turns.",
        };

        var cut = Render<FindingsSection>();

        cut.WaitForElement(".finding", Wait);
        var finding = cut.Find(".finding");
        Assert.Contains("severity-critical", finding.ClassList);
        Assert.Equal("Critical", finding.QuerySelector(".severity-badge")!.TextContent);
        Assert.Equal("Replies are too short: 4.2 tokens on average, 9 of 10 under 10", finding.QuerySelector(".finding-title")!.TextContent);
        Assert.Equal("4.2 tokens", finding.QuerySelector(".evidence-observed")!.TextContent);
        Assert.Equal("10.0 tokens", finding.QuerySelector(".evidence-threshold")!.TextContent);
        Assert.Equal("9 of 10 turns (90 %)", finding.QuerySelector(".evidence-matching")!.TextContent);
        Assert.Contains("t1, t2, t3 and 6 more", finding.QuerySelector(".turn-ids")!.TextContent);
        Assert.Contains("Turns behind it (9)", finding.QuerySelector(".evidence-turns summary")!.TextContent);
        Assert.Contains("Raise max_tokens or retrain on longer replies.", finding.QuerySelector(".finding-action")!.TextContent);
        Assert.Equal("1 finding in 10 turns.", cut.Find("#findingsNote").TextContent);
    }

    [Fact]
    public void A_trend_finding_shows_its_slope_and_model()
    {
        Tuning.Findings = new GetFindingsResponse { Findings = { TuningData.ThroughputDeclining() }, TurnsAnalyzed = 10, MinTurns = 5 };

        var cut = Render<FindingsSection>();

        cut.WaitForElement(".finding", Wait);
        Assert.Equal("-1.3 tokens/s per turn", cut.Find(".evidence-trend").TextContent);
        Assert.Contains("model demo", cut.Find(".evidence").TextContent);
        Assert.Equal("Warning", cut.Find(".severity-badge").TextContent);
    }

    [Fact]
    public void A_RAG_finding_shows_the_share_of_turns_the_hit_scores_and_the_unretrieved_memories()
    {
        var evidence = new Evidence
        {
            Metric = "memories_used", Unit = "memories", TurnsConsidered = 10, TurnsMatching = 1, Observed = 0.1, Threshold = 0.2,
            MatchingFraction = 0.1, TurnsWithMemoriesFraction = 0.1, WeakHitFraction = 0.25, MemoriesNeverRetrieved = 28,
            MemoriesWeakOnly = 1, Searches = 30, HitScoreHistogram = { 1, 0, 0, 1, 0, 0, 1, 1, 0, 0 },
        };
        Tuning.Findings = new GetFindingsResponse
        {
            Findings = { new Finding { Kind = FindingKind.RagIneffective, Severity = Severity.Warning, Title = "Memory retrieval looks ineffective", Evidence = evidence, SuggestedAction = "Check the orchestrator." } },
            TurnsAnalyzed = 10,
            MinTurns = 5,
        };

        var cut = Render<FindingsSection>();

        cut.WaitForElement(".finding", Wait);
        Assert.Equal("10 % of turns with memories", cut.Find(".evidence-observed").TextContent);
        Assert.Equal("20 % of turns with memories", cut.Find(".evidence-threshold").TextContent);
        Assert.Equal(
            "30 searches; hits by score 0.0–0.1: 1 · 0.1–0.2: 0 · 0.2–0.3: 0 · 0.3–0.4: 1 · 0.4–0.5: 0 · 0.5–0.6: 0 · 0.6–0.7: 1 · 0.7–0.8: 1 · 0.8–0.9: 0 · 0.9–1.0: 0 (25 % weak); 28 memories never retrieved, 1 only weakly",
            cut.Find(".evidence-retrieval").TextContent);
    }

    [Fact]
    public void Too_few_turns_shows_the_note_and_how_far_along_the_journal_is()
    {
        Tuning.Findings = new GetFindingsResponse { TurnsAnalyzed = 3, MinTurns = 5, Note = "Not enough turns to judge (3 of 5)." };

        var cut = Render<FindingsSection>();

        cut.WaitForElement("#findingsNotEnough", Wait);
        Assert.Equal("Not enough turns to judge (3 of 5).", cut.Find("#findingsNote").TextContent);
        Assert.Contains("Not enough turns yet: 3 of 5.", cut.Find("#findingsNotEnough").TextContent);
        Assert.Equal("3", cut.Find("#findingsNotEnough progress").GetAttribute("value"));
        Assert.Empty(cut.FindAll(".finding"));
    }

    [Fact]
    public void Enough_turns_and_no_finding_says_nothing_looks_wrong()
    {
        Tuning.Findings = new GetFindingsResponse { TurnsAnalyzed = 40, MinTurns = 5, Note = "No findings in 40 turns." };

        var cut = Render<FindingsSection>();

        cut.WaitForElement("#findingsNone", Wait);
        Assert.Equal("Nothing looks wrong in 40 turns.", cut.Find("#findingsNone").TextContent);
        Assert.Empty(cut.FindAll("#findingsNotEnough"));
    }

    [Fact]
    public void Checks_the_service_cannot_make_are_listed_with_their_reason()
    {
        Tuning.Findings = new GetFindingsResponse
        {
            TurnsAnalyzed = 40,
            MinTurns = 5,
            UnavailableChecks = { "Memory growth: the memory service keeps no ingestion history." },
        };

        var cut = Render<FindingsSection>();

        cut.WaitForElement("#unavailableChecks", Wait);
        Assert.Contains("1 check not made", cut.Find("#unavailableChecks summary").TextContent);
        Assert.Contains("Memory growth: the memory service keeps no ingestion history.", cut.Find("#unavailableChecks").TextContent);
    }

    [Fact]
    public void A_failing_service_is_shown_in_words_and_Refresh_recovers()
    {
        Tuning.Failures["GetFindings"] = new Status(StatusCode.Unavailable, "the journal is locked");
        var cut = Render<FindingsSection>();
        cut.WaitForElement("#findingsError", Wait);
        Assert.Equal("Findings unavailable: Unavailable: the journal is locked", cut.Find("#findingsError").TextContent);

        Tuning.Failures.Clear();
        Tuning.Findings = new GetFindingsResponse { TurnsAnalyzed = 40, MinTurns = 5, Note = "No findings in 40 turns." };
        cut.WaitForAssertion(() => cut.Find("#refreshFindings").Click(), Wait);

        cut.WaitForElement("#findingsNone", Wait);
        Assert.Empty(cut.FindAll("#findingsError"));
    }
}
