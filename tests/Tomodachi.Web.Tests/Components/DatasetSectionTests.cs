using Grpc.Core;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Components.Tuning;

namespace Tomodachi.Web.Tests.Components;

public sealed class DatasetSectionTests : TuningTestContext
{
    [Fact]
    public void The_count_is_previewed_and_the_download_carries_the_same_filters()
    {
        Tuning.Preview = filter => new PreviewDatasetResponse { TurnCount = filter.Rating == RatingFilter.ThumbsUp ? 7u : 0u, WithSystemPromptCount = 5 };

        var cut = Render<DatasetSection>();

        cut.WaitForAssertion(() => Assert.Equal("7", cut.Find("#datasetCount").TextContent), Wait);
        Assert.Contains("7 turns match · 5 with a system prompt", Normalized(cut.Find("#datasetPreview").TextContent));
        Assert.Equal("/api/tuning/dataset.jsonl?rating=thumbs_up", cut.Find("#datasetDownload").GetAttribute("href"));
    }

    [Fact]
    public void Changing_a_filter_counts_again_and_moves_the_link_with_it()
    {
        Tuning.Preview = filter => new PreviewDatasetResponse { TurnCount = filter.IncludeDemo ? 12u : filter.HasMinTokensPerSecond ? 3u : 7u };
        var cut = Render<DatasetSection>();
        cut.WaitForAssertion(() => Assert.Equal("7", cut.Find("#datasetCount").TextContent), Wait);

        ChangeAndCount(cut, "#datasetIncludeDemo", true);
        Assert.Equal("12", cut.Find("#datasetCount").TextContent);
        Assert.Equal("/api/tuning/dataset.jsonl?rating=thumbs_up&include_demo=true", cut.Find("#datasetDownload").GetAttribute("href"));

        ChangeAndCount(cut, "#datasetIncludeDemo", false);
        ChangeAndCount(cut, "#datasetMinTps", "15");
        Assert.Equal("3", cut.Find("#datasetCount").TextContent);
        Assert.Equal("/api/tuning/dataset.jsonl?rating=thumbs_up&min_tokens_per_second=15", cut.Find("#datasetDownload").GetAttribute("href"));
        Assert.Equal(15, Tuning.PreviewedFilters.Last().MinTokensPerSecond);
    }

    [Fact]
    public void Every_field_reaches_the_preview()
    {
        Tuning.Preview = _ => new PreviewDatasetResponse { TurnCount = 1 };
        var cut = Render<DatasetSection>();
        cut.WaitForElement("#datasetCount", Wait);

        ChangeAndCount(cut, "#datasetRating", RatingFilter.NotThumbsDown.ToString());
        ChangeAndCount(cut, "#datasetMaxLatency", "2500");
        ChangeAndCount(cut, "#datasetMinTokens", "10");
        ChangeAndCount(cut, "#datasetMaxTokens", "200");
        ChangeAndCount(cut, "#datasetPersona", "coach");
        ChangeAndCount(cut, "#datasetFrom", "2026-11-01");
        ChangeAndCount(cut, "#datasetTo", "2026-11-28");

        var last = Tuning.PreviewedFilters.Last();
        Assert.Equal(RatingFilter.NotThumbsDown, last.Rating);
        Assert.Equal(2500, last.MaxTotalLatencyMs);
        Assert.Equal(10u, last.MinCompletionTokens);
        Assert.Equal(200u, last.MaxCompletionTokens);
        Assert.Equal("coach", last.Persona);
        Assert.NotNull(last.Since);
    }

    [Fact]
    public void No_match_says_so_and_offers_no_download()
    {
        Tuning.Preview = _ => new PreviewDatasetResponse { TurnCount = 0 };

        var cut = Render<DatasetSection>();

        cut.WaitForAssertion(() => Assert.Equal("No turns match these filters.", cut.Find("#datasetNoMatch").TextContent), Wait);
        Assert.Empty(cut.FindAll("#datasetDownload"));
    }

    [Fact]
    public void Filters_the_service_refuses_are_shown_with_its_reason_and_no_download()
    {
        Tuning.Preview = _ => new PreviewDatasetResponse { TurnCount = 4 };
        var cut = Render<DatasetSection>();
        cut.WaitForElement("#datasetDownload", Wait);
        Tuning.Failures["PreviewDataset"] = new Status(StatusCode.InvalidArgument, "max_completion_tokens (2) must be >= min_completion_tokens (10).");

        cut.Find("#datasetMaxTokens").Change("2");

        cut.WaitForAssertion(() => Assert.Equal(
            "Filters not accepted: max_completion_tokens (2) must be >= min_completion_tokens (10).", cut.Find("#datasetError").TextContent), Wait);
        Assert.Empty(cut.FindAll("#datasetDownload"));
    }

    [Fact]
    public void A_negative_token_count_is_refused_before_asking_the_service()
    {
        Tuning.Preview = _ => new PreviewDatasetResponse { TurnCount = 4 };
        var cut = Render<DatasetSection>();
        cut.WaitForElement("#datasetDownload", Wait);
        var asked = Tuning.PreviewedFilters.Count;

        cut.Find("#datasetMinTokens").Change("-3");

        cut.WaitForAssertion(() => Assert.Equal("Min reply tokens cannot be negative.", cut.Find("#datasetError").TextContent), Wait);
        Assert.Equal(asked, Tuning.PreviewedFilters.Count);
        Assert.Empty(cut.FindAll("#datasetDownload"));
    }

    [Fact]
    public void An_unreachable_service_is_named_with_the_reason()
    {
        Tuning.Failures["PreviewDataset"] = new Status(StatusCode.Unimplemented, "");

        var cut = Render<DatasetSection>();

        cut.WaitForAssertion(() => Assert.Equal(
            "Cannot count the turns: Unimplemented: the service does not offer TuningService.PreviewDataset yet", cut.Find("#datasetError").TextContent), Wait);
    }

    [Fact]
    public void Persona_field_suggests_the_configured_personas()
    {
        Backends.Inference.Personas.Add(new Tomodachi.Inference.V1.Persona { Name = "coach", Description = "Keeps you going", AdapterPath = "/m/coach.gguf" });

        var cut = Render<DatasetSection>();

        cut.WaitForAssertion(() => Assert.Equal("coach", cut.Find("#personaNames option").GetAttribute("value")), Wait);
        Assert.Contains("adapter /m/coach.gguf", cut.Find("#personaNames option").TextContent);
    }

    /// <summary>Changes one field and waits for the count of the new filters, so the next field's handler is current.</summary>
    private void ChangeAndCount(IRenderedComponent<DatasetSection> cut, string selector, object value)
    {
        var asked = Tuning.PreviewedFilters.Count;
        cut.WaitForAssertion(() => cut.Find(selector).Change(value), Wait);
        cut.WaitForAssertion(() =>
        {
            Assert.True(Tuning.PreviewedFilters.Count > asked, "the preview was not asked again");
            Assert.NotNull(cut.Find("#datasetCount"));
        }, Wait);
    }

    private static string Normalized(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
}
