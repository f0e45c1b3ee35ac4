using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

/// <summary>Stop, Regenerate and Edit-and-resend in Chromium, judged by the turns the service journaled.</summary>
[Collection(CampgroundCollection.Name)]
public sealed class ConversationReplyControlTests(CampgroundFixture suite)
{
    /// <summary>The personas' token limit (appsettings): a reply that reaches it was not stopped.</summary>
    private const uint PersonaMaxTokens = 256;

    /// <summary>
    /// A reply that never ends by itself and takes a while per token: zero-weight feed-forward layers of 64 × 65536 in
    /// six blocks (≈300 MB read per token), so the persona's 256 tokens take seconds even on a fast machine and a stop
    /// pressed when the first words show always lands mid-reply.
    /// </summary>
    private static readonly ScriptedModel.Script Endless = new(
        "scripted-endless", ["Once upon a time, by the campfire,", " the story went on", " and on"],
        Endless: true, BlockCount: 6, FeedForwardLength: 65536);

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;

    [Fact]
    public async Task Stop_by_button_and_by_Esc_ends_the_reply_and_the_server_journals_it_as_cancelled_and_frees_the_slot()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        await using var model = await LoadedScript.LoadAsync(suite, Endless);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        var viaButton = $"Tell me a long story {Guid.NewGuid():N}";
        var viaEsc = $"Tell me another one {Guid.NewGuid():N}";

        await page.SendAsync(viaButton);
        await page.WaitForReplyTextAsync();
        await page.Locator("#stopButton").ClickAsync();
        await AssertStoppedAsync(inference, page, viaButton, replies: 1);

        await page.SendAsync(viaEsc);
        await page.WaitForReplyTextAsync();
        await Expect(page.Locator("#chatInput")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await AssertStoppedAsync(inference, page, viaEsc, replies: 2);
    }

    [Fact]
    public async Task Regenerate_and_edit_and_resend_replace_the_last_turn_and_the_conversation_keeps_its_number_of_turns()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        var conversations = new ConversationService.ConversationServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.SendAndWaitAsync("Tell me about owls.", replies: 1);
        await page.SendAndWaitAsync("And about foxes?", replies: 2);
        var sessionId = await page.SessionIdAsync();
        var before = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = sessionId }, cancellationToken: Timeout);
        Assert.Equal(2, before.Turns.Count);
        var (kept, last) = (before.Turns[0].Stats.TurnId, before.Turns[1].Stats.TurnId);
        await Expect(page.Replies().Nth(1)).ToHaveAttributeAsync("data-turn-id", last);

        await page.Locator("#regenerate").ClickAsync();
        await page.WaitForNewReplyAsync(1, replacing: last);
        var regenerated = await inference.TurnAsync(sessionId, "And about foxes?", Timeout, except: last);
        await Expect(page.Replies().Nth(1)).ToHaveAttributeAsync("data-turn-id", regenerated.Stats.TurnId);
        var afterRegenerate = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = sessionId }, cancellationToken: Timeout);
        Assert.Equal([kept, regenerated.Stats.TurnId], afterRegenerate.Turns.Select(t => t.Stats.TurnId));
        Assert.Equal(2u, afterRegenerate.Conversation.TurnCount);
        Assert.True(await IsReplacedAsync(inference, sessionId, last), "the regenerated turn is not marked replaced in the journal");

        await page.Locator("#editLast").ClickAsync();
        await Expect(page.Locator("#editInput")).ToBeFocusedAsync();
        await Expect(page.Locator("#editInput")).ToHaveValueAsync("And about foxes?");
        await page.Locator("#editInput").FillAsync("And about badgers?");
        await page.Locator("#editInput").PressAsync("Enter");
        await page.WaitForNewReplyAsync(1, replacing: regenerated.Stats.TurnId);
        var edited = await inference.TurnAsync(sessionId, "And about badgers?", Timeout);
        await Expect(page.Replies().Nth(1)).ToHaveAttributeAsync("data-turn-id", edited.Stats.TurnId);
        await Expect(page.UserMessages().Locator(".chat-text")).ToHaveTextAsync(["Tell me about owls.", "And about badgers?"]);
        var afterEdit = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = sessionId }, cancellationToken: Timeout);
        Assert.Equal(["Tell me about owls.", "And about badgers?"], afterEdit.Turns.Select(t => t.UserMessage));
        Assert.Equal([kept, edited.Stats.TurnId], afterEdit.Turns.Select(t => t.Stats.TurnId));
        Assert.True(await IsReplacedAsync(inference, sessionId, regenerated.Stats.TurnId), "the edited turn is not marked replaced in the journal");
    }

    /// <summary>
    /// The page shows the reply as stopped, with the journal's figures once it has them; the journal's turn ended as
    /// cancelled before the persona's token limit, and no slot is held any more.
    /// </summary>
    private static async Task AssertStoppedAsync(InferenceService.InferenceServiceClient inference, Microsoft.Playwright.IPage page, string message, int replies)
    {
        var reply = page.Replies().Nth(replies - 1);
        await Expect(page.Locator("#sendButton")).ToBeVisibleAsync();
        await Expect(reply.Locator(".chat-stats")).ToContainTextAsync("Stopped");
        var turn = await inference.TurnAsync(await page.SessionIdAsync(), message, Timeout);
        Assert.Equal(StopReason.Cancelled, turn.Stats.StopReason);
        Assert.InRange(turn.Stats.CompletionTokens, 1u, PersonaMaxTokens - 1);
        await Expect(reply).ToHaveAttributeAsync("data-turn-id", turn.Stats.TurnId);
        await Expect(reply.Locator(".chat-stats")).ToContainTextAsync($"Stopped · {turn.Stats.CompletionTokens} tokens");
        await inference.WaitForIdleAsync(Timeout);
    }

    private static async Task<bool> IsReplacedAsync(InferenceService.InferenceServiceClient inference, string sessionId, string turnId)
    {
        var turns = await inference.ListTurnsAsync(new ListTurnsRequest { SessionId = sessionId, PageSize = 50 }, cancellationToken: Timeout);
        return turns.Turns.Single(t => t.Stats.TurnId == turnId).Replaced;
    }
}
