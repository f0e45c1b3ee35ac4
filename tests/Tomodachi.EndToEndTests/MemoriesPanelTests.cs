using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

/// <summary>The Memories panel in Chromium against the real suite, judged by what the memory and conversation services hold.</summary>
[Collection(CampgroundCollection.Name)]
public sealed class MemoriesPanelTests(CampgroundFixture suite)
{
    private static readonly DateTimeOffset LongAgo = new(2020, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private MemoryService.MemoryServiceClient Memories => new(suite.GatewayChannel);

    private ConversationService.ConversationServiceClient Conversations => new(suite.GatewayChannel);

    [Fact]
    public async Task Memories_are_listed_with_their_conversation_filtered_edited_pinned_and_deleted_from_the_panel()
    {
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        var marker = Guid.NewGuid().ToString("N");
        var said = $"My boat is called Wave {marker}";
        await page.SendAndWaitAsync(said, replies: 1);
        var sessionId = await page.SessionIdAsync();
        var saidId = (await StoredAsync(said)).Id;
        var noteText = $"An old note {marker}";
        var noteId = (await Memories.StoreAsync(new StoreRequest
        {
            Memory = new NewMemory { Text = noteText, Role = MemoryRole.Note, CreatedAt = Timestamp.FromDateTimeOffset(LongAgo) },
        }, cancellationToken: Timeout)).Id;
        var importedText = $"Imported from a backup {marker}";
        await ImportAsync(new Tomodachi.Memory.V1.Memory { Text = importedText, Role = MemoryRole.User });

        await page.OpenMemoriesPanelAsync();
        await Expect(page.Locator("#memoriesPanelTitle")).ToBeFocusedAsync();
        var saidRow = page.Locator($".memory[data-memory-id='{saidId}']");
        await Expect(saidRow.Locator(".memory-text")).ToHaveTextAsync(said);
        await Expect(saidRow.Locator(".memory-kind")).ToHaveTextAsync("You said");
        await Expect(saidRow.Locator(".memory-source")).ToContainTextAsync(", turn 1");

        // Search: the text ignores case; then the kind, the date and the conversation narrow it.
        await page.Locator("#memoryText").FillAsync(marker.ToUpperInvariant());
        await page.Locator("#memoryText").PressAsync("Enter");
        await Expect(page.Locator(".memory .memory-text")).ToHaveTextAsync([importedText, said, noteText]);
        await page.Locator("#memoryKind").SelectOptionAsync("imported");
        await Expect(page.Locator(".memory .memory-text")).ToHaveTextAsync([importedText]);
        await Expect(page.Locator(".memory .badge")).ToHaveTextAsync(["imported"]);
        await page.Locator("#memoryKind").SelectOptionAsync("");
        await page.Locator("#memoryTo").FillAsync("2020-03-14");
        await Expect(page.Locator(".memory .memory-text")).ToHaveTextAsync([noteText]);
        await page.Locator("#memoryTo").FillAsync("");
        await Expect(page.Locator(".memory .memory-text")).ToHaveTextAsync([importedText, said, noteText]);
        await page.Locator("#memoryConversation").SelectOptionAsync(sessionId);
        await Expect(page.Locator(".memory .memory-text")).ToHaveTextAsync([said]);

        // Edit: empty text is refused with the service's words and changes nothing; new text is saved and searchable.
        await saidRow.Locator("[data-action=edit]").ClickAsync();
        await Expect(page.Locator("#memoryEditText")).ToBeFocusedAsync();
        await page.Locator("#memoryEditText").FillAsync("   ");
        await page.Locator("#saveMemory").ClickAsync();
        await Expect(page.Locator("#memoriesError")).ToContainTextAsync("InvalidArgument: text is empty");
        Assert.Equal(said, (await Memories.GetAsync(new GetRequest { Id = saidId }, cancellationToken: Timeout)).Memory.Text);
        var corrected = $"My boat is called Breeze {marker}";
        await page.Locator("#memoryEditText").FillAsync(corrected);
        await page.Locator("#saveMemory").ClickAsync();
        await Expect(saidRow.Locator(".memory-text")).ToHaveTextAsync(corrected);
        Assert.Equal(corrected, (await Memories.GetAsync(new GetRequest { Id = saidId }, cancellationToken: Timeout)).Memory.Text);
        var found = await Memories.SearchAsync(new SearchRequest { Query = corrected, K = 1 }, cancellationToken: Timeout);
        Assert.Equal(saidId, Assert.Single(found.Hits).Memory.Id);

        // Pin, and the pinned-only filter shows it.
        await saidRow.Locator("[data-action=pin]").ClickAsync();
        await Expect(saidRow.Locator("[data-action=pin]")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True((await Memories.GetAsync(new GetRequest { Id = saidId }, cancellationToken: Timeout)).Memory.Pinned);
        await page.Locator("#memoryConversation").SelectOptionAsync("");
        await page.Locator("#memoryPinnedOnly").CheckAsync();
        await Expect(page.Locator(".memory[data-memory-id]")).ToHaveCountAsync(1);
        await Expect(saidRow).ToHaveCountAsync(1);
        await page.Locator("#memoryPinnedOnly").UncheckAsync();

        // Delete one memory: gone from the panel and from the service.
        var noteRow = page.Locator($".memory[data-memory-id='{noteId}']");
        await noteRow.Locator("[data-action=delete]").ClickAsync();
        await Expect(noteRow).ToHaveCountAsync(0);
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await Memories.GetAsync(new GetRequest { Id = noteId }, cancellationToken: Timeout));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);

        // The source link opens the memory's conversation in the chat.
        await page.Locator("#closeMemories").FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#memoriesPanel")).ToBeHiddenAsync();
        await page.Locator("#newChat").ClickAsync();
        await Expect(page.Locator("section.chat")).Not.ToHaveAttributeAsync("data-session-id", sessionId);
        await page.OpenMemoriesPanelAsync();
        await page.Locator($".memory[data-memory-id='{saidId}'] .memory-source").ClickAsync();
        await Expect(page.Locator("#memoriesPanel")).ToBeHiddenAsync();
        await Expect(page.Locator("section.chat")).ToHaveAttributeAsync("data-session-id", sessionId);
        await Expect(page.UserMessages().Locator(".chat-text")).ToHaveTextAsync([said]);
    }

    [Fact]
    public async Task Forget_everything_asks_first_then_leaves_no_conversation_and_no_memory()
    {
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        var said = $"Remember my locker code {Guid.NewGuid():N}";
        await page.SendAndWaitAsync(said, replies: 1);
        var sessionId = await page.SessionIdAsync();
        var pinned = (await StoredAsync(said)).Id;
        await Memories.UpdateAsync(new UpdateRequest { Id = pinned, Pinned = true }, cancellationToken: Timeout);

        await page.OpenMemoriesPanelAsync();
        await page.Locator("#forgetEverything").ClickAsync();
        await Expect(page.Locator("#cancelForget")).ToBeFocusedAsync();
        await Expect(page.Locator("#memoriesPanel")).ToContainTextAsync("pinned ones too");
        // Until confirmed nothing is gone, and Escape takes the question back.
        Assert.NotEmpty((await Memories.ListAsync(new ListRequest(), cancellationToken: Timeout)).Memories);
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#confirmForget")).ToHaveCountAsync(0);
        await Expect(page.Locator("#memoriesPanel")).ToBeVisibleAsync();
        Assert.NotEmpty((await Conversations.ListConversationsAsync(new ListConversationsRequest(), cancellationToken: Timeout)).Conversations);

        await page.Locator("#forgetEverything").ClickAsync();
        await page.Locator("#confirmForget").ClickAsync();

        await Expect(page.Locator("#memoriesMessage")).ToContainTextAsync("Forgot everything");
        await Expect(page.Locator("#noMemories")).ToBeVisibleAsync();
        Assert.Empty((await Memories.ListAsync(new ListRequest(), cancellationToken: Timeout)).Memories);
        Assert.Empty((await Conversations.ListConversationsAsync(new ListConversationsRequest(), cancellationToken: Timeout)).Conversations);
        var gone = await Assert.ThrowsAsync<RpcException>(async () =>
            await Conversations.GetConversationAsync(new GetConversationRequest { SessionId = sessionId }, cancellationToken: Timeout));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        await Expect(page.Locator("section.chat")).Not.ToHaveAttributeAsync("data-session-id", sessionId);
    }

    /// <summary>The memory the suite stored for a message sent in the chat; storing follows the reply, so wait (bounded) for it.</summary>
    private async Task<Tomodachi.Memory.V1.Memory> StoredAsync(string text)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var listed = await Memories.ListAsync(new ListRequest { Filter = new ListFilter { TextContains = text, Role = MemoryRole.User } },
                cancellationToken: bound.Token);
            if (listed.Memories.FirstOrDefault(m => m.Text == text) is { } memory)
            {
                return memory;
            }

            await Task.Delay(200, bound.Token);
        }
    }

    private async Task ImportAsync(Tomodachi.Memory.V1.Memory memory)
    {
        using var import = Memories.Import(cancellationToken: Timeout);
        await import.RequestStream.WriteAsync(new ImportRequest { Memory = memory });
        await import.RequestStream.CompleteAsync();
        await import.ResponseAsync;
    }
}
