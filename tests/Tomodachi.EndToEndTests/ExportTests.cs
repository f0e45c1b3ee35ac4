using Grpc.Core;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

[Collection(CampgroundCollection.Name)]
public sealed class ExportTests(CampgroundFixture suite)
{
    [Fact]
    public async Task Csv_export_downloads_one_parsable_row_per_turn_with_the_servers_stats()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        var turn = await ChatAsync(inference, timeout.Token);
        await inference.NewestTurnAsync(turn.SessionId, timeout.Token);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenToolboxWithKeyboardAsync();
        await page.Keyboard.PressAsync("End");
        await Expect(page.Locator("#toolbox-export")).ToBeFocusedAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        var path = await download.PathAsync();
        var lines = await File.ReadAllLinesAsync(path, timeout.Token);

        Assert.EndsWith(".csv", download.SuggestedFilename);
        var header = lines[0].Split(',');
        Assert.Contains("completion_tokens", header);
        Assert.Contains("generation_tokens_per_second", header);
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        Assert.All(rows, row => Assert.Equal(header.Length, row.Length));
        var ours = Assert.Single(rows, row => row[Array.IndexOf(header, "turn_id")] == turn.TurnId);
        Assert.Equal(turn.CompletionTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), ours[Array.IndexOf(header, "completion_tokens")]);
        Assert.Equal(turn.TotalLatencyMs, double.Parse(ours[Array.IndexOf(header, "total_latency_ms")], System.Globalization.CultureInfo.InvariantCulture));
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
