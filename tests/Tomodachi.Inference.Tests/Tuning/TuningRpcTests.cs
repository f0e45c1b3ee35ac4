using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Tests.Journal;
using Tomodachi.Tuning.V1;
using static Tomodachi.Inference.Tests.Tuning.TuningTestData;

namespace Tomodachi.Inference.Tests.Tuning;

/// <summary>
/// TuningService over real gRPC against a real SQLite journal. Every test works in its own day of the journal
/// (or its own session), so the tests share one service without seeing each other's turns.
/// </summary>
public sealed class TuningRpcTests(TuningServiceFactory factory) : IClassFixture<TuningServiceFactory>
{
    private static int days;

    private readonly TuningService.TuningServiceClient client = factory.CreateTuningClient();
    private readonly DateTimeOffset day = JournalTestData.Epoch.AddDays(Interlocked.Increment(ref days));

    private DatasetFilter ThisDay(Action<DatasetFilter>? more = null)
    {
        var filter = new DatasetFilter { Since = At(day), Until = At(day.AddDays(1)) };
        more?.Invoke(filter);
        return filter;
    }

    private string Id(string name) => $"{day:MMdd}-{name}";

    [Fact]
    public async Task RateTurn_stores_the_rating_and_GetRatings_reads_it_back()
    {
        await factory.Journal.AppendAllAsync([Measured(Id("up"), day: day), Measured(Id("down"), 1, day: day), Measured(Id("none"), 2, day: day)]);

        var response = await client.RateTurnAsync(new RateTurnRequest { TurnId = Id("up"), Rating = Rating.ThumbsUp });
        await client.RateTurnAsync(new RateTurnRequest { TurnId = Id("down"), Rating = Rating.ThumbsUp });
        await client.RateTurnAsync(new RateTurnRequest { TurnId = Id("down"), Rating = Rating.ThumbsDown });
        var ratings = await client.GetRatingsAsync(new GetRatingsRequest { TurnIds = { Id("up"), Id("down"), Id("none"), Id("missing") } });

        Assert.Equal((Id("up"), Rating.ThumbsUp), (response.TurnId, response.Rating));
        Assert.Equal(new Dictionary<string, Rating> { [Id("up")] = Rating.ThumbsUp, [Id("down")] = Rating.ThumbsDown, [Id("none")] = Rating.Cleared }, ratings.Ratings);
    }

    [Fact]
    public async Task RateTurn_with_cleared_removes_the_rating()
    {
        await factory.Journal.AppendAsync(Measured(Id("t"), day: day), CancellationToken.None);
        await client.RateTurnAsync(new RateTurnRequest { TurnId = Id("t"), Rating = Rating.ThumbsDown });

        await client.RateTurnAsync(new RateTurnRequest { TurnId = Id("t"), Rating = Rating.Cleared });

        Assert.Equal(Rating.Cleared, (await client.GetRatingsAsync(new GetRatingsRequest { TurnIds = { Id("t") } })).Ratings[Id("t")]);
    }

    [Fact]
    public async Task RateTurn_for_an_unknown_turn_is_rejected_with_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.RateTurnAsync(new RateTurnRequest { TurnId = "no-such-turn", Rating = Rating.ThumbsUp }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("No journaled turn has the id 'no-such-turn'.", error.Status.Detail);
    }

    [Theory]
    [InlineData(Rating.Unspecified, "RATING_UNSPECIFIED")]
    [InlineData((Rating)9, "9")]
    public async Task RateTurn_without_a_known_rating_is_rejected_with_InvalidArgument(Rating rating, string named)
    {
        await factory.Journal.AppendAsync(Measured(Id("t"), day: day), CancellationToken.None);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.RateTurnAsync(new RateTurnRequest { TurnId = Id("t"), Rating = rating }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal($"rating must be RATING_THUMBS_UP, RATING_THUMBS_DOWN or RATING_CLEARED; it was {named}.", error.Status.Detail);
    }

    [Fact]
    public async Task RateTurn_without_a_turn_id_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.RateTurnAsync(new RateTurnRequest { Rating = Rating.ThumbsUp }));

        Assert.Equal((StatusCode.InvalidArgument, "turn_id is required."), (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public async Task GetRatings_for_more_than_500_turns_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.GetRatingsAsync(new GetRatingsRequest { TurnIds = { Enumerable.Range(0, 501).Select(i => $"t{i}") } }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task GetFindings_with_too_few_turns_says_so_instead_of_judging()
    {
        var session = Id("few");
        await factory.Journal.AppendAllAsync(Enumerable.Range(0, 3).Select(i => Measured(Id($"few{i}"), i, completionTokens: 1, day: day, session: session)));

        var response = await client.GetFindingsAsync(new GetFindingsRequest { SessionId = session });

        Assert.Empty(response.Findings);
        Assert.Equal("Not enough turns to judge (3 of 5).", response.Note);
    }

    [Fact]
    public async Task GetFindings_reports_short_replies_within_the_time_window_only()
    {
        await factory.Journal.AppendAllAsync(Enumerable.Range(0, 6).Select(i => Measured(Id($"s{i}"), i, completionTokens: 4, day: day)));

        var inWindow = await client.GetFindingsAsync(new GetFindingsRequest { Since = At(day), Until = At(day.AddDays(1)) });
        var before = await client.GetFindingsAsync(new GetFindingsRequest { Since = At(day.AddDays(-1)), Until = At(day) });

        var finding = Assert.Single(inWindow.Findings);
        Assert.Equal(FindingKind.RepliesTooShort, finding.Kind);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => Id($"s{i}")), finding.Evidence.TurnIds);
        Assert.DoesNotContain(before.Findings, f => f.Evidence.TurnIds.Contains(Id("s0")));
    }

    [Fact]
    public async Task GetFindings_with_since_after_until_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.GetFindingsAsync(new GetFindingsRequest { Since = At(day.AddDays(1)), Until = At(day) }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("is after until", error.Status.Detail);
    }

    [Fact]
    public async Task The_dataset_preview_counts_and_the_export_streams_the_turns_the_filters_select()
    {
        await SeedDatasetDayAsync();
        var filter = ThisDay(f => f.Rating = RatingFilter.ThumbsUp);

        var preview = await client.PreviewDatasetAsync(new PreviewDatasetRequest { Filter = filter });
        var lines = await ExportAsync(filter);

        Assert.Equal((2u, 2u), (preview.TurnCount, preview.WithSystemPromptCount));
        Assert.Equal([Id("good"), Id("coach-good")], lines.Select(l => l.TurnId));
        Assert.Equal(
            $$"""{"messages":[{"role":"system","content":"{{TuningServiceFactory.TomodachiPrompt}}"},{"role":"user","content":"message {{Id("good")}}"},{"role":"assistant","content":"reply {{Id("good")}}"}]}""",
            lines[0].JsonlLine);
        // Each example carries its own persona's system prompt.
        Assert.StartsWith($$"""{"messages":[{"role":"system","content":"{{TuningServiceFactory.CoachPrompt}}"},""", lines[1].JsonlLine);
    }

    [Fact]
    public async Task Every_filter_narrows_the_selection()
    {
        await SeedDatasetDayAsync();

        async Task<uint> Count(Action<DatasetFilter> narrow) =>
            (await client.PreviewDatasetAsync(new PreviewDatasetRequest { Filter = ThisDay(narrow) })).TurnCount;

        Assert.Equal(6u, await Count(_ => { }));
        Assert.Equal(7u, await Count(f => f.IncludeDemo = true));
        Assert.Equal(1u, await Count(f => f.Rating = RatingFilter.ThumbsDown));
        Assert.Equal(3u, await Count(f => f.Rating = RatingFilter.Unrated));
        Assert.Equal(5u, await Count(f => f.Rating = RatingFilter.NotThumbsDown));
        Assert.Equal(5u, await Count(f => f.MinTokensPerSecond = 10));
        Assert.Equal(5u, await Count(f => f.MaxTotalLatencyMs = 5_000));
        Assert.Equal(4u, await Count(f => (f.MinCompletionTokens, f.MaxCompletionTokens) = (10, 100)));
        Assert.Equal(1u, await Count(f => f.Persona = "coach"));
        Assert.Equal(1u, await Count(f => f.Until = At(day.AddMinutes(1))));
    }

    [Fact]
    public async Task Preview_of_an_empty_selection_is_zero_but_export_fails_with_FailedPrecondition()
    {
        await SeedDatasetDayAsync();
        var filter = ThisDay(f => f.MinCompletionTokens = 10_000);

        var preview = await client.PreviewDatasetAsync(new PreviewDatasetRequest { Filter = filter });
        var error = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(filter));

        Assert.Equal(0u, preview.TurnCount);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.StartsWith("No turns match the filters (at least 10000 completion tokens, since ", error.Status.Detail);
        Assert.Contains("among the 7 journaled turns in that time window", error.Status.Detail);
    }

    public static TheoryData<string, DatasetFilter> InvalidFilters => new()
    {
        { "rating filter 42 is unknown", new DatasetFilter { Rating = (RatingFilter)42 } },
        { "min_tokens_per_second must be a number >= 0", new DatasetFilter { MinTokensPerSecond = -1 } },
        { "min_tokens_per_second must be a number >= 0", new DatasetFilter { MinTokensPerSecond = double.NaN } },
        { "max_total_latency_ms must be a number > 0", new DatasetFilter { MaxTotalLatencyMs = 0 } },
        { "min_completion_tokens (50) is above max_completion_tokens (10)", new DatasetFilter { MinCompletionTokens = 50, MaxCompletionTokens = 10 } },
        { "since (2026-11-29 00:00:00Z) is after until (2026-11-28 00:00:00Z)", new DatasetFilter { Since = At(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero)), Until = At(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)) } },
        { "persona 'pirate' is unknown", new DatasetFilter { Persona = "pirate" } },
    };

    [Theory]
    [MemberData(nameof(InvalidFilters))]
    public async Task Preview_and_export_with_an_invalid_filter_are_rejected_with_InvalidArgument(string message, DatasetFilter filter)
    {
        var preview = await Assert.ThrowsAsync<RpcException>(async () => await client.PreviewDatasetAsync(new PreviewDatasetRequest { Filter = filter }));
        var export = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(filter));

        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument), (preview.StatusCode, export.StatusCode));
        Assert.StartsWith(message, preview.Status.Detail);
        Assert.StartsWith(message, export.Status.Detail);
    }

    [Fact]
    public async Task The_dataset_downloads_as_a_jsonl_file_over_http()
    {
        await SeedDatasetDayAsync();
        using var http = factory.CreateClient();

        using var response = await http.GetAsync($"/api/tuning/dataset.jsonl?rating=thumbs_up&since={day:yyyy-MM-ddTHH:mm:ssZ}&until={day.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("tomodachi-dataset.jsonl", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((await ExportAsync(ThisDay(f => f.Rating = RatingFilter.ThumbsUp))).Select(l => l.JsonlLine), lines);
        Assert.EndsWith("\n", body);
    }

    [Theory]
    [InlineData("colour=blue", HttpStatusCode.BadRequest, "Unknown filter 'colour'")]
    [InlineData("rating=meh", HttpStatusCode.BadRequest, "rating 'meh' is unknown")]
    [InlineData("since=2026-11-28T09:00:00", HttpStatusCode.BadRequest, "since must be an ISO 8601 time with an offset")]
    [InlineData("min_completion_tokens=-3", HttpStatusCode.BadRequest, "min_completion_tokens must be a whole number")]
    [InlineData("min_completion_tokens=9&max_completion_tokens=1", HttpStatusCode.BadRequest, "min_completion_tokens (9) is above max_completion_tokens (1)")]
    [InlineData("since=2001-01-01T00:00:00Z&until=2001-01-02T00:00:00Z", HttpStatusCode.NotFound, "No turns match the filters")]
    public async Task A_bad_or_empty_download_is_refused_with_a_readable_reason(string query, HttpStatusCode status, string reason)
    {
        using var http = factory.CreateClient();

        using var response = await http.GetAsync($"/api/tuning/dataset.jsonl?{query}");

        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Thresholds_that_contradict_each_other_stop_the_service_at_start_up()
    {
        using var bad = new TuningServiceFactory { Settings = { ["Inference:Tuning:ShortReplyTokens"] = "300" } };

        var error = Assert.Throws<OptionsValidationException>(() => bad.CreateClient());

        Assert.Contains("Inference:Tuning:ShortReplyTokens (300) must be below LongReplyTokens (200).", error.Message);
    }

    // Seven turns in this test's day: rated up (tomodachi and coach), down, unrated, slow, short/long, and a demo.
    private async Task SeedDatasetDayAsync()
    {
        await factory.Journal.AppendAllAsync(
        [
            Measured(Id("good"), 0, completionTokens: 40, tokensPerSecond: 20, latencyMs: 1_000, day: day),
            Measured(Id("bad"), 1, completionTokens: 40, tokensPerSecond: 20, latencyMs: 1_000, day: day),
            Measured(Id("slow"), 2, completionTokens: 40, tokensPerSecond: 5, latencyMs: 9_000, day: day),
            Measured(Id("tiny"), 3, completionTokens: 2, tokensPerSecond: 20, latencyMs: 300, day: day),
            Measured(Id("long"), 4, completionTokens: 400, tokensPerSecond: 20, latencyMs: 4_000, day: day),
            Measured(Id("coach-good"), 5, completionTokens: 40, persona: "coach", day: day),
            Measured(Id("demo"), 6, completionTokens: 40, demo: true, day: day),
        ]);
        foreach (var (id, rating) in new[] { ("good", Rating.ThumbsUp), ("coach-good", Rating.ThumbsUp), ("bad", Rating.ThumbsDown), ("demo", Rating.ThumbsUp) })
        {
            await client.RateTurnAsync(new RateTurnRequest { TurnId = Id(id), Rating = rating });
        }
    }

    private async Task<List<ExportDatasetResponse>> ExportAsync(DatasetFilter filter)
    {
        using var call = client.ExportDataset(new ExportDatasetRequest { Filter = filter });
        var lines = new List<ExportDatasetResponse>();
        await foreach (var line in call.ResponseStream.ReadAllAsync())
        {
            lines.Add(line);
        }

        return lines;
    }
}
