using System.Globalization;
using Grpc.Core;
using Microsoft.Playwright;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

[Collection(CampgroundCollection.Name)]
public sealed class ExportTests(CampgroundFixture suite)
{
    [Fact]
    public async Task Csv_export_downloads_through_the_toolbox_and_parses_with_one_column_per_stat()
    {
        await using var session = await suite.OpenCampgroundAsync();

        var (header, rows) = await DownloadWithKeyboardAsync(session.Page);

        Assert.Equal("turn_id", header[0]);
        Assert.Contains("completion_tokens", header);
        Assert.Contains("generation_tokens_per_second", header);
        Assert.Contains("total_latency_ms", header);
        Assert.All(rows, row => Assert.Equal(header.Length, row.Length));
    }

    [Fact]
    public async Task Csv_export_has_the_row_of_a_chatted_turn_with_the_servers_stats()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        var turn = await ChatAsync(inference, timeout.Token);
        await inference.NewestTurnAsync(turn.SessionId, timeout.Token);
        await using var session = await suite.OpenCampgroundAsync();

        var (header, rows) = await DownloadWithKeyboardAsync(session.Page);

        var ours = Assert.Single(rows, row => row[Array.IndexOf(header, "turn_id")] == turn.TurnId);
        Assert.Equal(turn.CompletionTokens.ToString(CultureInfo.InvariantCulture), ours[Array.IndexOf(header, "completion_tokens")]);
        Assert.Equal(turn.TotalLatencyMs, double.Parse(ours[Array.IndexOf(header, "total_latency_ms")], CultureInfo.InvariantCulture));
    }

    /// <summary>Toolbox by keyboard, End to the last item (Tuning), up past Models and Memories to Export CSV, Enter; the browser's download, split into fields.</summary>
    private static async Task<(string[] Header, List<string[]> Rows)> DownloadWithKeyboardAsync(IPage page)
    {
        await page.FocusLastToolboxItemAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("#toolbox-models")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("#toolbox-memories")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("#toolbox-export")).ToBeFocusedAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        var lines = await File.ReadAllLinesAsync(await download.PathAsync());

        Assert.EndsWith(".csv", download.SuggestedFilename);
        // Stats are numbers, booleans, ids and names without commas, so a plain split is a full parse here.
        return (lines[0].Split(','), [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))]);
    }

    /// <summary>One turn made over gRPC, so the journal holds a known row whatever ran before.</summary>
    private static async Task<TurnStats> ChatAsync(InferenceService.InferenceServiceClient inference, CancellationToken cancellationToken)
    {
        using var call = inference.Chat(new ChatRequest { SessionId = "e2e-export", Message = "Hello from the export test", MaxTokens = 8 },
            cancellationToken: cancellationToken);
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (response.EventCase == ChatResponse.EventOneofCase.Stats)
            {
                return response.Stats;
            }
        }

        throw new InvalidOperationException("Chat ended without its stats message.");
    }
}
