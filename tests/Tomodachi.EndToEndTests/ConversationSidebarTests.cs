using Grpc.Core;
using Microsoft.Playwright;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

/// <summary>The conversation sidebar in Chromium against the real suite, judged by what ConversationService holds.</summary>
[Collection(CampgroundCollection.Name)]
public sealed class ConversationSidebarTests(CampgroundFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task New_chat_switch_back_rename_and_delete_after_confirmation_act_on_the_servers_conversations()
    {
        var conversations = new ConversationService.ConversationServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        var lake = $"First, the lake {Guid.NewGuid():N}";
        var forest = $"Then, the forest {Guid.NewGuid():N}";

        await page.SendAndWaitAsync(lake, replies: 1);
        var first = await page.SessionIdAsync();
        await page.Locator("#newChat").ClickAsync();
        await Expect(page.Locator(".chat-hint")).ToBeVisibleAsync();
        Assert.NotEqual(first, await page.SessionIdAsync());
        await page.SendAndWaitAsync(forest, replies: 1);
        var second = await page.SessionIdAsync();

        // Back to the first: its turn comes from the journal, the second's lines are gone from the chat.
        var firstEntry = page.Locator($".conversation[data-session-id='{first}']");
        var secondEntry = page.Locator($".conversation[data-session-id='{second}']");
        await Expect(secondEntry).ToHaveAttributeAsync("class", new System.Text.RegularExpressions.Regex(@"\bcurrent\b"));
        await firstEntry.Locator(".conversation-open").ClickAsync();
        await Expect(page.Locator("section.chat")).ToHaveAttributeAsync("data-session-id", first);
        var stored = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = first }, cancellationToken: Timeout);
        var turn = Assert.Single(stored.Turns);
        await Expect(page.UserMessages().Locator(".chat-text")).ToHaveTextAsync([lake]);
        await Expect(page.Replies()).ToHaveCountAsync(1);
        await Expect(page.Replies()).ToHaveAttributeAsync("data-turn-id", turn.Stats.TurnId);
        await Expect(page.Locator(".chat-log")).Not.ToContainTextAsync(forest);
        await Expect(firstEntry).ToHaveAttributeAsync("class", new System.Text.RegularExpressions.Regex(@"\bcurrent\b"));
        await AssertButtonsInsideTheSidebarAsync(page, firstEntry);

        // Rename from the sidebar: Enter saves, the service has the new title.
        await firstEntry.Locator("[data-action=rename]").ClickAsync();
        await Expect(page.Locator("#renameInput")).ToBeFocusedAsync();
        await page.Locator("#renameInput").FillAsync("Lake trip notes");
        await page.Locator("#renameInput").PressAsync("Enter");
        await Expect(firstEntry.Locator(".conversation-title")).ToHaveTextAsync("Lake trip notes");
        var renamed = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = first }, cancellationToken: Timeout);
        Assert.Equal("Lake trip notes", renamed.Conversation.Title);

        // Delete asks first: until confirmed, nothing is gone; then the entry and the conversation are.
        await secondEntry.Locator("[data-action=delete]").ClickAsync();
        await Expect(secondEntry.Locator("#confirmDelete")).ToBeVisibleAsync();
        await Expect(secondEntry).ToContainTextAsync("Delete “Then, the forest");
        Assert.Single((await conversations.GetConversationAsync(new GetConversationRequest { SessionId = second }, cancellationToken: Timeout)).Turns);
        await secondEntry.Locator("#confirmDelete").ClickAsync();
        await Expect(secondEntry).ToHaveCountAsync(0);
        var gone = await Assert.ThrowsAsync<RpcException>(async () =>
            await conversations.GetConversationAsync(new GetConversationRequest { SessionId = second }, cancellationToken: Timeout));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        var listed = await conversations.ListConversationsAsync(new ListConversationsRequest { PageSize = 200 }, cancellationToken: Timeout);
        Assert.DoesNotContain(listed.Conversations, c => c.SessionId == second);
        Assert.Contains(listed.Conversations, c => c.SessionId == first);

        // The open conversation was not the deleted one: it stays, and a reload of the tab brings it back from the server.
        await page.ReloadAsync();
        await Expect(page.Locator("section.chat")).ToHaveAttributeAsync("data-session-id", first);
        await Expect(page.Replies()).ToHaveAttributeAsync("data-turn-id", turn.Stats.TurnId);
        await Expect(page.Locator(".conversation-title").Filter(new() { HasText = "Lake trip notes" })).ToHaveCountAsync(1);
    }

    /// <summary>A title longer than the sidebar is cut short on screen; its entry's buttons stay where they can be seen and clicked.</summary>
    private static async Task AssertButtonsInsideTheSidebarAsync(IPage page, ILocator entry)
    {
        var sidebar = await page.Locator("#conversationSidebar").BoundingBoxAsync() ?? throw new InvalidOperationException("no sidebar box");
        foreach (var action in new[] { "rename", "delete" })
        {
            var button = await entry.Locator($"[data-action={action}]").BoundingBoxAsync() ?? throw new InvalidOperationException($"no {action} box");
            Assert.True(button.X >= sidebar.X && button.X + button.Width <= sidebar.X + sidebar.Width,
                $"the {action} button ({button.X}..{button.X + button.Width}) lies outside the sidebar ({sidebar.X}..{sidebar.X + sidebar.Width})");
        }
    }
}
