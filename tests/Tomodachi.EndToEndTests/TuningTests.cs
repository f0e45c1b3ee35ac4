using System.Text.Json;
using Grpc.Core;
using Microsoft.Playwright;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using static Microsoft.Playwright.Assertions;
using static Tomodachi.EndToEndTests.Infrastructure.CampgroundPage;

namespace Tomodachi.EndToEndTests;

[Collection(CampgroundCollection.Name)]
public sealed class TuningTests(CampgroundFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task Thumbs_up_on_a_reply_is_stored_with_its_turn_and_still_shown_after_a_reload()
    {
        var tuning = new TuningService.TuningServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.Locator("#chatInput").FillAsync("Hello Tomodachi! Tell me about the stars.");
        await page.Locator("#chatInput").PressAsync("Enter");
        var reply = page.Locator(".chat-message.assistant").Last;
        var up = reply.Locator("[data-rating=up]");
        await Expect(up).ToBeVisibleAsync(new() { Timeout = Patient.Timeout });
        await Expect(up).ToHaveAttributeAsync("aria-label", "Good reply (thumbs up)");
        var turnId = await reply.GetAttributeAsync("data-turn-id") ?? throw new InvalidOperationException("The reply names no turn.");

        await up.ClickAsync();
        await Expect(up).ToHaveAttributeAsync("aria-pressed", "true");

        Assert.Equal(Rating.ThumbsUp, await StoredRatingAsync(tuning, turnId));

        await page.ReloadAsync();
        await page.Locator("#toolboxButton").WaitForAsync();
        var upAgain = page.Locator($"[data-turn-id='{turnId}'] [data-rating=up]");
        await Expect(upAgain).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator($"[data-turn-id='{turnId}'] [data-rating=down]")).ToHaveAttributeAsync("aria-pressed", "false");

        // The chosen thumb pressed again clears the rating.
        await upAgain.ClickAsync();
        await Expect(upAgain).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal(Rating.Cleared, await StoredRatingAsync(tuning, turnId));
    }

    [Fact]
    public async Task The_dataset_preview_follows_the_filters_and_the_download_holds_the_rated_turn()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        var tuning = new TuningService.TuningServiceClient(suite.GatewayChannel);
        var message = $"Dataset test {Guid.NewGuid():N}: what should I pack for camping?";
        var turn = await ChatAsync(inference, message);
        Assert.True(turn.Reply.Length > 0, "the demo model answered with nothing, so the turn cannot be a training example");
        await tuning.RateTurnAsync(new RateTurnRequest { TurnId = turn.Stats.TurnId, Rating = Rating.ThumbsUp }, cancellationToken: Timeout);
        var expected = await tuning.PreviewDatasetAsync(new PreviewDatasetRequest
        {
            Filter = new DatasetFilter { Rating = RatingFilter.ThumbsUp, IncludeDemo = true },
        }, cancellationToken: Timeout);

        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenTuningPanelAsync();

        // The suite runs the demo model: its turns only count once they are asked for.
        Assert.True(turn.Stats.Demo, "the end-to-end suite is expected to run the demo model");
        await Expect(page.Locator("#datasetNoMatch")).ToHaveTextAsync("No turns match these filters.");
        await Expect(page.Locator("#datasetDownload")).ToHaveCountAsync(0);
        await page.Locator("#datasetIncludeDemo").CheckAsync();
        await Expect(page.Locator("#datasetCount")).ToHaveTextAsync(expected.TurnCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#findingsNote")).Not.ToBeEmptyAsync();
        await page.ScreenshotAsync(new() { Path = Repository.Docs("tuning-panel.png") });

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#datasetDownload").ClickAsync());
        var lines = await File.ReadAllLinesAsync(await download.PathAsync());

        Assert.Equal("tomodachi-dataset.jsonl", download.SuggestedFilename);
        Assert.Equal((int)expected.TurnCount, lines.Count(l => l.Length > 0));
        var ours = Assert.Single(lines.Where(l => l.Length > 0).Select(Messages), m => m.Any(x => x is ("user", var text) && text == message));
        Assert.Equal(("assistant", turn.Reply), ours[^1]);
    }

    private static async Task<Rating> StoredRatingAsync(TuningService.TuningServiceClient tuning, string turnId)
    {
        var response = await tuning.GetRatingsAsync(new GetRatingsRequest { TurnIds = { turnId } }, cancellationToken: Timeout);
        return Assert.Contains(turnId, (IDictionary<string, Rating>)response.Ratings);
    }

    /// <summary>One turn made over gRPC, read back from the journal with its reply as stored.</summary>
    private static async Task<Turn> ChatAsync(InferenceService.InferenceServiceClient inference, string message)
    {
        var sessionId = "e2e-tuning-" + Guid.NewGuid().ToString("N")[..8];
        using var call = inference.Chat(new ChatRequest { SessionId = sessionId, Message = message, MaxTokens = 12 }, cancellationToken: Timeout);
        await foreach (var _ in call.ResponseStream.ReadAllAsync(Timeout))
        {
            // The journal keeps the reply as the service saw it; the stream only has to finish.
        }

        var page = await inference.ListTurnsAsync(new ListTurnsRequest { SessionId = sessionId, PageSize = 1 }, cancellationToken: Timeout);
        return Assert.Single(page.Turns);
    }

    /// <summary>A JSONL line's messages as (role, content).</summary>
    private static List<(string Role, string Content)> Messages(string line)
    {
        using var json = JsonDocument.Parse(line);
        return [.. json.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))];
    }
}
