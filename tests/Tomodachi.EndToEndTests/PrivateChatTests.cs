using Grpc.Core;
using Microsoft.Playwright;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

/// <summary>
/// Private chat in Chromium: the page says nothing is saved and the reply streams, and afterwards the services — not
/// only the page — hold nothing of it: no journal turn, no conversation, no memory, no id in the tab's storage.
/// </summary>
[Collection(CampgroundCollection.Name)]
public sealed class PrivateChatTests(CampgroundFixture suite)
{
    /// <summary>A reply known in advance, so the test can look for it in the journal and the memories too.</summary>
    private static readonly ScriptedModel.Script Discreet = new("scripted-discreet", ["Your secret", " is safe", " with me."]);

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task A_private_chat_says_so_streams_its_replies_and_leaves_nothing_in_the_journal_the_conversations_or_memory()
    {
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        var conversations = new ConversationService.ConversationServiceClient(suite.GatewayChannel);
        var memory = new MemoryService.MemoryServiceClient(suite.GatewayChannel);
        await using var model = await LoadedScript.LoadAsync(suite, Discreet);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        var secret = $"My private marker {Guid.NewGuid():N}";
        var followUp = $"And another private marker {Guid.NewGuid():N}";
        var control = $"An ordinary marker {Guid.NewGuid():N}";

        await page.Locator("#newPrivateChat").ClickAsync();
        await Expect(page.Locator("#privateBanner")).ToContainTextAsync("nothing from this chat is saved");
        await Expect(page.Locator("section.chat")).ToHaveAttributeAsync("data-private", "true");
        await Expect(page.Locator("#privateBanner svg.icon")).ToHaveCountAsync(1);
        var privateId = await page.SessionIdAsync();
        await page.SendAndWaitAsync(secret, replies: 1);
        await page.SendAndWaitAsync(followUp, replies: 2);
        await Expect(page.Replies().Locator(".chat-text")).ToHaveTextAsync(["Your secret is safe with me.", "Your secret is safe with me."]);
        // The second turn carried the first: the page sent it, since the service keeps none.
        var reported = await inference.LastTurnFromStatusAsync(privateId, Timeout);
        Assert.Equal(1u, reported.HistoryTurns);
        Assert.True(reported.CompletionTokens > 0);
        Assert.StartsWith("private-", privateId);
        Assert.NotEqual(privateId, await page.EvaluateAsync<string?>("() => sessionStorage.getItem('tomodachi.sessionId')"));
        await Expect(page.Locator($".conversation[data-session-id='{privateId}']")).ToHaveCountAsync(0);

        // An ordinary chat afterwards: its message reaches memory, which shows the memory check below can see a message.
        await page.Locator("#newChat").ClickAsync();
        await Expect(page.Locator("#privateBanner")).ToHaveCountAsync(0);
        await page.SendAndWaitAsync(control, replies: 1);
        var ordinaryId = await page.SessionIdAsync();
        await WaitForMemoryAsync(memory, control);

        Assert.Empty((await inference.ListTurnsAsync(new ListTurnsRequest { SessionId = privateId }, cancellationToken: Timeout)).Turns);
        var turns = await inference.ListTurnsAsync(new ListTurnsRequest { PageSize = 500 }, cancellationToken: Timeout);
        Assert.DoesNotContain(turns.Turns, t => t.UserMessage.Contains("private marker", StringComparison.Ordinal));
        Assert.Contains(turns.Turns, t => t.UserMessage == control);
        var listed = await conversations.ListConversationsAsync(new ListConversationsRequest { PageSize = 200 }, cancellationToken: Timeout);
        Assert.DoesNotContain(listed.Conversations, c => c.SessionId == privateId);
        Assert.Contains(listed.Conversations, c => c.SessionId == ordinaryId);
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await conversations.GetConversationAsync(new GetConversationRequest { SessionId = privateId }, cancellationToken: Timeout));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var memories = await ExportAsync(memory);
        Assert.DoesNotContain(memories, m => m.SessionId == privateId || m.Text.Contains("private marker", StringComparison.Ordinal));
        // Replies are conversation history, never memories.
        Assert.DoesNotContain(memories, m => m.Text.Contains("Your secret is safe", StringComparison.Ordinal));
    }

    /// <summary>Waits, a bounded number of times, until memory holds a message (it is stored just after the reply's stats).</summary>
    private static async Task WaitForMemoryAsync(MemoryService.MemoryServiceClient memory, string text)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            if ((await ExportAsync(memory)).Any(m => m.Text == text))
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException($"Memory never held \"{text}\".");
    }

    private static async Task<List<Tomodachi.Memory.V1.Memory>> ExportAsync(MemoryService.MemoryServiceClient memory)
    {
        using var call = memory.Export(new ExportRequest(), cancellationToken: Timeout);
        var memories = new List<Tomodachi.Memory.V1.Memory>();
        while (memories.Count < 100_000 && await call.ResponseStream.MoveNext(Timeout))
        {
            memories.Add(call.ResponseStream.Current.Memory);
        }

        return memories;
    }
}
