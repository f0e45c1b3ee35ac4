using Grpc.Core;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Components.Tuning;

namespace Tomodachi.Web.Tests.Components;

public sealed class ComparisonSectionTests : TuningTestContext
{
    [Fact]
    public void Before_any_comparison_the_section_says_there_is_none_yet()
    {
        var cut = Render<ComparisonSection>();

        cut.WaitForElement("#comparisonEmpty", Wait);
        Assert.Contains("No comparison yet", cut.Find("#comparisonEmpty").TextContent);
        Assert.Empty(cut.FindAll("#comparisonJson"));
    }

    [Fact]
    public void The_last_report_is_shown_on_open_with_charts_the_prompts_and_both_exports()
    {
        Tuning.LastReport = TuningData.Report();

        var cut = Render<ComparisonSection>();

        cut.WaitForElement("#comparisonTable", Wait);
        Assert.Contains("stories260K · persona coach · adapter /models/coach-lora.gguf", cut.Find("#comparisonSummary").TextContent);
        Assert.Equal("/export/comparison.json", cut.Find("#comparisonJson").GetAttribute("href"));
        Assert.Equal("/export/comparison.csv", cut.Find("#comparisonCsv").GetAttribute("href"));
        Assert.Equal("40.5", cut.Find("#compareTokensPerSecond .bar-base").TextContent);
        Assert.Equal("35.3", cut.Find("#compareTokensPerSecond .bar-adapter").TextContent);
        Assert.Equal("140", cut.Find("#compareTtft .bar-adapter").TextContent);
        Assert.Equal(["900", "850", "1100"], cut.FindAll("#compareLatency .bar-base").Select(e => e.TextContent));
        Assert.Equal(["1100", "1050", "1300"], cut.FindAll("#compareLatency .bar-adapter").Select(e => e.TextContent));
        Assert.Equal("2000", cut.Find("#compareRss .bar-base").TextContent);
        Assert.Equal(["12", "30"], cut.FindAll("#compareReplyLength .bar-base").Select(e => e.TextContent));
        Assert.Equal(["20", "44"], cut.FindAll("#compareReplyLength .bar-adapter").Select(e => e.TextContent));
        Assert.Contains("base 12–30, mean 21.0, adapter 20–44, mean 32.0", cut.Find("#compareReplyLength figcaption").TextContent);
        var rows = cut.FindAll("#comparisonTable tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("Hi there", rows[0].Children[2].TextContent);
        Assert.Contains("Hello, champion", rows[0].Children[3].TextContent);
        Assert.Contains("20 tokens", rows[0].Children[3].TextContent);
    }

    [Fact]
    public void Run_streams_progress_then_shows_the_new_report()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Tuning.HoldComparison = hold;
        Tuning.ComparisonEvents.Add(new CompareAdapterResponse { Progress = new ComparisonProgress { CompletedRuns = 1, TotalRuns = 4, Variant = ComparisonVariant.Base } });
        Tuning.ComparisonEvents.Add(new CompareAdapterResponse { Report = TuningData.Report("cmp-new") });
        var cut = Render<ComparisonSection>();
        cut.WaitForElement("#comparisonEmpty", Wait);

        cut.WaitForAssertion(() => cut.Find("#comparisonPersona").Change("coach"), Wait);
        cut.WaitForAssertion(() => cut.Find("#comparisonAdapter").Change("/models/coach-lora.gguf"), Wait);
        cut.WaitForAssertion(() => cut.Find("#comparisonMaxTokens").Change("32"), Wait);
        cut.WaitForAssertion(() => cut.Find(".comparison-form").Submit(), Wait);

        cut.WaitForAssertion(() => Assert.Contains("1 of 4 replies · last: base", cut.Find("#comparisonProgress").TextContent), Wait);
        Assert.Equal("1", cut.Find("#comparisonProgress progress").GetAttribute("value"));
        Assert.Equal("4", cut.Find("#comparisonProgress progress").GetAttribute("max"));
        Assert.NotNull(cut.Find("#cancelComparison"));
        var request = Assert.Single(Tuning.ComparisonRequests);
        Assert.Equal(("coach", "/models/coach-lora.gguf", 32u), (request.Persona, request.AdapterPath, request.MaxTokens));

        hold.SetResult();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#comparisonProgress")), Wait);
        Assert.Contains("cmp-new", cut.Find("#comparisonJson").GetAttribute("href") + Tuning.LastReport!.ReportId);
        Assert.NotNull(cut.Find("#runComparison"));
    }

    [Fact]
    public void A_missing_adapter_file_is_shown_with_the_services_reason()
    {
        Tuning.Failures["CompareAdapter"] = new Status(StatusCode.FailedPrecondition,
            "The adapter file /models/missing.gguf does not exist.");
        var cut = Render<ComparisonSection>();
        cut.WaitForElement("#comparisonEmpty", Wait);

        cut.WaitForAssertion(() => cut.Find("#comparisonAdapter").Change("/models/missing.gguf"), Wait);
        cut.WaitForAssertion(() => cut.Find(".comparison-form").Submit(), Wait);

        cut.WaitForAssertion(() => Assert.Equal(
            "Comparison failed: FailedPrecondition: The adapter file /models/missing.gguf does not exist.", cut.Find("#comparisonError").TextContent), Wait);
        Assert.Equal("alert", cut.Find("#comparisonError").GetAttribute("role"));
    }

    [Fact]
    public void Cancel_stops_the_run_and_says_so()
    {
        Tuning.HoldComparison = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Tuning.ComparisonEvents.Add(new CompareAdapterResponse { Progress = new ComparisonProgress { CompletedRuns = 1, TotalRuns = 4 } });
        Tuning.ComparisonEvents.Add(new CompareAdapterResponse { Report = TuningData.Report() });
        var cut = Render<ComparisonSection>();
        cut.WaitForElement("#comparisonEmpty", Wait);
        cut.WaitForAssertion(() => cut.Find(".comparison-form").Submit(), Wait);
        cut.WaitForElement("#cancelComparison", Wait);

        cut.WaitForAssertion(() => cut.Find("#cancelComparison").Click(), Wait);

        cut.WaitForAssertion(() => Assert.Equal("Comparison cancelled.", cut.Find("#comparisonError").TextContent), Wait);
        Assert.Empty(cut.FindAll("#comparisonTable"));
    }

    [Fact]
    public void Max_tokens_below_one_is_refused_before_asking_the_service()
    {
        var cut = Render<ComparisonSection>();
        cut.WaitForElement("#comparisonEmpty", Wait);

        cut.WaitForAssertion(() => cut.Find("#comparisonMaxTokens").Change("0"), Wait);
        cut.WaitForAssertion(() => cut.Find(".comparison-form").Submit(), Wait);

        cut.WaitForAssertion(() => Assert.Equal("Max tokens must be at least 1 (or blank for the default).", cut.Find("#comparisonError").TextContent), Wait);
        Assert.Empty(Tuning.ComparisonRequests);
    }

    [Fact]
    public void An_unreadable_last_report_is_explained()
    {
        Tuning.Failures["GetLastComparison"] = new Status(StatusCode.Unimplemented, "");

        var cut = Render<ComparisonSection>();

        cut.WaitForAssertion(() => Assert.Equal(
            "The last comparison could not be read: Unimplemented: the service does not offer TuningService.GetLastComparison yet",
            cut.Find("#comparisonError").TextContent), Wait);
    }
}
