using Grpc.Core;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Tomodachi.EndToEndTests.Infrastructure.CampgroundPage;

namespace Tomodachi.EndToEndTests;

[Collection(CampgroundCollection.Name)]
public sealed class StatusPanelTests(CampgroundFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task A_message_streams_a_reply_and_the_hud_shows_the_servers_exact_stats()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenStatusPanelAsync();
        await page.Locator("#chatInput").FillAsync("Hello Tomodachi! Tell me a story about a campfire.");
        await page.Locator("#chatInput").PressAsync("Enter");
        await Expect(page.Locator(".chat-message.assistant .chat-stats")).ToBeVisibleAsync(new() { Timeout = Patient.Timeout });

        var sessionId = await page.SessionIdAsync();
        var stats = await inference.LastTurnFromStatusAsync(sessionId, Timeout);

        Assert.True(stats.CompletionTokens > 0, "the reply generated no tokens");
        await Expect(page.Locator("#hudTokens")).ToHaveTextAsync(stats.CompletionTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#hudTokensPerSec")).ToHaveTextAsync(TokensPerSecond(stats.GenerationTokensPerSecond));
        await Expect(page.Locator("#hudLatency")).ToHaveTextAsync(Seconds(stats.TotalLatencyMs));
        await Expect(page.Locator("#hudTtft")).ToHaveTextAsync(Seconds(stats.TimeToFirstTokenMs));
        Assert.NotEqual("", await page.Locator(".chat-message.assistant .chat-text").InnerTextAsync());

        await Expect(page.Locator("#hudModelMemory")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d MB$"));
        await page.ScreenshotAsync(new() { Path = Repository.Docs("status-panel.png") });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Repository.Docs("status-panel-phone.png"), FullPage = true });
    }

    [Fact]
    public async Task Unload_drops_the_model_memory_and_Load_brings_the_model_back()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        try
        {
            await page.OpenStatusPanelAsync();
            await Expect(page.Locator("#hudModelLoaded")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Yes"));
            await Expect(page.Locator("#hudModelMemory")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d MB$"));
            var loadedMb = (await page.MegabytesAsync("#hudModelMemory"))!.Value;

            await page.Locator("#modelToggle").ClickAsync();
            await Expect(page.Locator("#hudModelLoaded")).ToHaveTextAsync("No", Patient);
            await Expect(page.Locator("#modelToggle")).ToHaveTextAsync("Load");
            var unloadedMb = await WaitForLowerAsync(page, loadedMb);

            Assert.True(unloadedMb < loadedMb, $"RSS did not drop: {loadedMb} MB loaded, {unloadedMb} MB unloaded");

            await page.Locator("#modelToggle").ClickAsync();
            await Expect(page.Locator("#hudModelLoaded")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Yes"), Patient);
        }
        finally
        {
            await EnsureLoadedAsync(inference);
        }
    }

    [Fact]
    public async Task Stopped_memory_service_shows_Offline_and_the_panel_recovers_when_it_is_back()
    {
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenStatusPanelAsync();
        await Expect(page.Locator("#memoryStatus")).ToHaveTextAsync("Online");
        await Expect(page.Locator("#hudMemoryCount")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));

        await suite.App.StopAsync("memory", Timeout);
        try
        {
            await Expect(page.Locator("#memoryStatus")).ToContainTextAsync("Offline", new() { Timeout = Patient.Timeout });
            await Expect(page.Locator("#hudMemoryCount")).ToHaveTextAsync("N/A");
            await Expect(page.Locator("#hudMemorySize")).ToHaveTextAsync("N/A");
        }
        finally
        {
            // Started again whatever happened, so the rest of the collection has its memory service.
            await suite.App.StartAsync("memory", Timeout);
        }

        await Expect(page.Locator("#memoryStatus")).ToHaveTextAsync("Online", Patient);
        await Expect(page.Locator("#hudMemoryCount")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));
    }

    /// <summary>The status stream reports at least every 3 s; give the reading a bounded number of chances to fall.</summary>
    private static async Task<double?> WaitForLowerAsync(Microsoft.Playwright.IPage page, double thanMb)
    {
        double? reading = null;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            reading = await page.MegabytesAsync("#hudModelMemory");
            if (reading < thanMb)
            {
                return reading;
            }

            await Task.Delay(500);
        }

        return reading;
    }

    private static async Task EnsureLoadedAsync(InferenceService.InferenceServiceClient inference)
    {
        try
        {
            var model = await inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout);
            if (!model.Model.Loaded)
            {
                await inference.LoadModelAsync(new LoadModelRequest(), cancellationToken: Timeout);
            }
        }
        catch (RpcException)
        {
            // Leave the failure to the assertions that found it; other tests report their own.
        }
    }
}
