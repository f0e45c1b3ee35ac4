using System.Text.RegularExpressions;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Tomodachi.EndToEndTests.Infrastructure.CampgroundPage;

namespace Tomodachi.EndToEndTests;

/// <summary>
/// What a person at the page sees while parts of the suite fail and come back: the panel says which part is down,
/// the rest goes on working, and it all recovers without a reload. Every test starts again what it broke.
/// </summary>
[Collection(CampgroundCollection.Name)]
public sealed partial class FaultTests(CampgroundFixture suite)
{
    private static CancellationToken Within(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Memory_killed_during_a_chat_the_reply_completes_the_panel_shows_Offline_and_memory_is_used_again_after_restart()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenStatusPanelAsync();
        await Expect(page.Locator("#memoryStatus")).ToHaveTextAsync("Online");
        try
        {
            // Frozen first, so the chat cannot reach memory before the kill: the service dies while the chat waits on it.
            await suite.App.FreezeAsync("memory", Within(60));
            await SendAsync(page, "Remember that my dog is called Rex.");
            await inference.WaitForChatInFlightAsync(Within(60));
            await suite.App.KillAsync("memory", Within(60));

            await Expect(page.Locator(".chat-message.assistant .chat-stats")).ToHaveCountAsync(1, new() { Timeout = Patient.Timeout });
            await Expect(page.Locator("#memoryStatus")).ToContainTextAsync("Offline", new() { Timeout = Patient.Timeout });
            await Expect(page.Locator("#hudMemoryCount")).ToHaveTextAsync("N/A");
        }
        finally
        {
            await suite.App.KillAsync("memory", Within(60));
            await suite.App.StartAsync("memory", Within(180));
        }

        // Nobody touches the page: the memory stream reconnects, and the next message reaches memory again.
        await Expect(page.Locator("#memoryStatus")).ToHaveTextAsync("Online", Patient);
        await Expect(page.Locator("#hudMemoryCount")).ToHaveTextAsync(Digits());
        await SendAsync(page, "Remember that my dog is called Rex.");
        await Expect(page.Locator(".chat-message.assistant .chat-stats")).ToHaveCountAsync(2, new() { Timeout = Patient.Timeout });

        var turns = await inference.ListTurnsAsync(new ListTurnsRequest { SessionId = await page.SessionIdAsync(), PageSize = 2 },
            cancellationToken: Within(30));
        Assert.Equal(2, turns.Turns.Count);
        Assert.True(turns.Turns[0].Stats.MemoryAvailable, "the chat after the restart did not reach the memory service");
        Assert.False(turns.Turns[1].Stats.MemoryAvailable);
    }

    [Fact]
    public async Task Inference_restarted_the_panel_shows_Offline_then_recovers_and_a_new_message_gets_a_reply()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenStatusPanelAsync();
        await Expect(page.Locator("#hudApiStatus")).ToHaveTextAsync("Online");
        try
        {
            await suite.App.StopAsync("inference", Within(120));

            await Expect(page.Locator("#hudApiStatus")).ToContainTextAsync("Offline", new() { Timeout = Patient.Timeout });
        }
        finally
        {
            await suite.App.StartAsync("inference", Within(240));
        }

        await Expect(page.Locator("#hudApiStatus")).ToHaveTextAsync("Online", Patient);
        // The service answers before its model has loaded again; a message sent then would be refused.
        await inference.WaitForModelLoadedAsync(Within(240));
        await SendAsync(page, "Hello again!");
        await Expect(page.Locator(".chat-message.assistant .chat-stats")).ToBeVisibleAsync(new() { Timeout = Patient.Timeout });
        await Expect(page.Locator(".chat-message.assistant .chat-error")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Knob_down_its_section_says_Offline_while_chat_and_memory_carry_on()
    {
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenStatusPanelAsync();
        await Expect(page.Locator("#knobStatus")).ToHaveTextAsync("Online");
        try
        {
            await suite.App.StopAsync("knob", Within(120));

            await Expect(page.Locator("#knobStatus")).ToContainTextAsync("Offline", new() { Timeout = Patient.Timeout });
            await Expect(page.Locator("#knobIndicator")).ToHaveTextAsync("Offline");
            await SendAsync(page, "Is the knob gone?");
            await Expect(page.Locator(".chat-message.assistant .chat-stats")).ToBeVisibleAsync(new() { Timeout = Patient.Timeout });
            await Expect(page.Locator("#memoryStatus")).ToHaveTextAsync("Online");
            await Expect(page.Locator("#hudApiStatus")).ToHaveTextAsync("Online");
        }
        finally
        {
            await suite.App.StartAsync("knob", Within(180));
        }

        await Expect(page.Locator("#knobStatus")).ToHaveTextAsync("Online", Patient);
        await Expect(page.Locator("#knobIndicator")).ToHaveTextAsync("Waiting...");
    }

    private static async Task SendAsync(Microsoft.Playwright.IPage page, string message)
    {
        await page.Locator("#chatInput").FillAsync(message);
        await page.Locator("#chatInput").PressAsync("Enter");
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Digits();
}
