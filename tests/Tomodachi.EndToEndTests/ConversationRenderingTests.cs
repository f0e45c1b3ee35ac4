using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

/// <summary>
/// What the page makes of a reply the model really wrote and of a person's own message: markdown becomes elements,
/// code blocks get a working copy button, and HTML in either is shown as text and never runs.
/// </summary>
[Collection(CampgroundCollection.Name)]
public sealed class ConversationRenderingTests(CampgroundFixture suite)
{
    private const string Code = "echo 'marshmallows'";

    /// <summary>A reply in markdown that also carries a script and an image with an error handler, token by token.</summary>
    private static readonly ScriptedModel.Script Markdown = new(
        "scripted-markdown",
        [
            "For the trip we need:",
            "\n\n- a tent",
            "\n- wood for the **campfire**",
            $"\n\nThen, by the fire:\n\n```bash\n{Code}\n```",
            "\n\nNot for the page: <script>window.tomodachiXss = 'reply script'</script>",
            " <img src=x onerror=\"window.tomodachiXss = 'reply img'; alert('reply img')\">",
        ]);

    private const string HostileMessage =
        "Is this safe? <script>window.tomodachiXss = 'user script'</script> <img src=x onerror=\"window.tomodachiXss = 'user img'; alert('user img')\">";

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task A_markdown_reply_renders_as_elements_with_a_copy_button_and_html_in_replies_and_messages_stays_text()
    {
        var conversations = new ConversationService.ConversationServiceClient(suite.GatewayChannel);
        await using var model = await LoadedScript.LoadAsync(suite, Markdown);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };

        await page.SendAndWaitAsync("What do we need for the camping trip?", replies: 1);
        var reply = page.Replies().Nth(0).Locator(".chat-text");
        var stored = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = await page.SessionIdAsync() }, cancellationToken: Timeout);
        Assert.Equal(string.Concat(Markdown.Pieces), Assert.Single(stored.Turns).Reply);

        // Markdown: a list, emphasis and a code block with its language and a copy button that copies the code.
        await Expect(reply.Locator("ul > li")).ToHaveTextAsync(["a tent", "wood for the campfire"]);
        await Expect(reply.Locator("li strong")).ToHaveTextAsync("campfire");
        await Expect(reply.Locator(".code-block .code-language")).ToHaveTextAsync("bash");
        await Expect(reply.Locator(".code-block pre code")).ToHaveTextAsync(Code);
        await page.ScreenshotAsync(new() { Path = Repository.Docs("chat-sidebar.png") });
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await reply.Locator("button.code-copy").ClickAsync();
        await Expect(reply.Locator("button.code-copy")).ToContainTextAsync("Copied");
        Assert.Equal(Code + "\n", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // The reply's HTML is text on the page, not elements.
        await Expect(reply).ToContainTextAsync("<script>window.tomodachiXss = 'reply script'</script>");
        await Expect(reply).ToContainTextAsync("<img src=x onerror=\"window.tomodachiXss = 'reply img'; alert('reply img')\">");

        // A person's own message is markdown too, and just as inert.
        await page.SendAndWaitAsync(HostileMessage, replies: 2);
        await Expect(page.UserMessages().Nth(1).Locator(".chat-text")).ToHaveTextAsync(HostileMessage);

        await Expect(page.Locator(".chat-log script, .chat-log img, .chat-log [onerror]")).ToHaveCountAsync(0);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.tomodachiXss"));
        Assert.Empty(dialogs);
    }
}
