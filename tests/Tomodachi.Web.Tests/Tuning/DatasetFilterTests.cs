using Tomodachi.Tuning.V1;
using Tomodachi.Web.Tuning;

namespace Tomodachi.Web.Tests.Tuning;

public sealed class DatasetFilterTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.CreateCustomTimeZone("Test+09", TimeSpan.FromHours(9), "Test+09", "Test+09");

    [Fact]
    public void Blank_form_asks_only_for_thumbs_up_turns_and_links_with_only_the_rating()
    {
        var filter = new DatasetFilterForm().ToFilter(TimeZoneInfo.Utc);

        Assert.Equal(RatingFilter.ThumbsUp, filter.Rating);
        Assert.False(filter.HasMinTokensPerSecond);
        Assert.False(filter.HasMaxCompletionTokens);
        Assert.Null(filter.Since);
        Assert.Equal("/api/tuning/dataset.jsonl?rating=thumbs_up", DatasetLink.For(filter));
    }

    [Fact]
    public void Any_rating_with_nothing_else_is_the_bare_download()
    {
        var filter = new DatasetFilterForm { Rating = RatingFilter.Unspecified }.ToFilter(TimeZoneInfo.Utc);

        Assert.Equal("/api/tuning/dataset.jsonl", DatasetLink.For(filter));
    }

    [Fact]
    public void Every_filter_reaches_the_link_under_the_downloads_parameter_names()
    {
        var form = new DatasetFilterForm
        {
            Rating = RatingFilter.NotThumbsDown,
            MinTokensPerSecond = 12.5,
            MaxTotalLatencyMs = 4000,
            MinCompletionTokens = 10,
            MaxCompletionTokens = 200,
            Persona = " coach & co ",
            From = new DateOnly(2026, 11, 1),
            To = new DateOnly(2026, 11, 28),
            IncludeDemo = true,
        };

        var link = DatasetLink.For(form.ToFilter(TimeZoneInfo.Utc));

        Assert.Equal(
            "/api/tuning/dataset.jsonl?rating=not_thumbs_down&min_tokens_per_second=12.5&max_total_latency_ms=4000"
            + "&min_completion_tokens=10&max_completion_tokens=200&persona=coach%20%26%20co"
            + "&since=2026-11-01T00%3A00%3A00Z&until=2026-11-29T00%3A00%3A00Z&include_demo=true",
            link);
    }

    [Fact]
    public void Date_range_is_whole_local_days_with_the_last_day_included()
    {
        var filter = new DatasetFilterForm { From = new DateOnly(2026, 11, 28), To = new DateOnly(2026, 11, 28) }.ToFilter(Tokyo);

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero), filter.Since.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 15, 0, 0, TimeSpan.Zero), filter.Until.ToDateTimeOffset());
    }

    [Fact]
    public void Zero_is_a_filter_not_a_blank()
    {
        var filter = new DatasetFilterForm { MinCompletionTokens = 0, MinTokensPerSecond = 0 }.ToFilter(TimeZoneInfo.Utc);

        Assert.True(filter.HasMinCompletionTokens);
        Assert.True(filter.HasMinTokensPerSecond);
        Assert.Contains("min_completion_tokens=0", DatasetLink.For(filter));
    }

    [Fact]
    public void Negative_token_counts_are_a_problem_the_contract_cannot_carry()
    {
        Assert.Equal("Min reply tokens cannot be negative.", new DatasetFilterForm { MinCompletionTokens = -1 }.Problem);
        Assert.Equal("Max reply tokens cannot be negative.", new DatasetFilterForm { MaxCompletionTokens = -5 }.Problem);
        Assert.Null(new DatasetFilterForm { MinCompletionTokens = 3 }.Problem);
    }
}
