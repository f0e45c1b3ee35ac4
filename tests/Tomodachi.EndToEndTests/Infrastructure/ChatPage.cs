using Microsoft.Playwright;
using Tomodachi.Inference.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>The chat as a person uses it, and the journal's record of what it sent.</summary>
internal static class ChatPage
{
    /// <summary>Replies that have finished or were stopped: the streaming one is marked until then.</summary>
    public const string DoneReply = ".chat-log .chat-message.assistant:not(.streaming)";

    public static ILocator Replies(this IPage page) => page.Locator(".chat-log .chat-message.assistant");

    public static ILocator UserMessages(this IPage page) => page.Locator(".chat-log .chat-message.user");

    public static async Task SendAsync(this IPage page, string message)
    {
        await page.Locator("#chatInput").FillAsync(message);
        await page.Locator("#chatInput").PressAsync("Enter");
    }

    /// <summary>Sends a message and waits until the page shows <paramref name="replies"/> finished replies with their stats.</summary>
    public static async Task SendAndWaitAsync(this IPage page, string message, int replies)
    {
        await page.SendAsync(message);
        await page.WaitForFinishedRepliesAsync(replies);
    }

    public static async Task WaitForFinishedRepliesAsync(this IPage page, int replies) =>
        await Expect(page.Locator($"{DoneReply} .chat-stats")).ToHaveCountAsync(replies, new() { Timeout = CampgroundPage.Patient.Timeout });

    /// <summary>
    /// Waits until reply <paramref name="index"/> is no longer the journaled turn <paramref name="replacing"/> (the old
    /// reply left the page) and then until the new one has finished.
    /// </summary>
    public static async Task WaitForNewReplyAsync(this IPage page, int index, string replacing)
    {
        await Expect(page.Replies().Nth(index)).Not.ToHaveAttributeAsync("data-turn-id", replacing, new() { Timeout = CampgroundPage.Patient.Timeout });
        await page.WaitForFinishedRepliesAsync(index + 1);
    }

    /// <summary>
    /// Waits, without polling gaps, until the streaming reply shows its first text: from then on the server is generating
    /// (a stop before this point may end the call before generation, and such a turn is never journaled).
    /// </summary>
    public static async Task WaitForReplyTextAsync(this IPage page) =>
        await page.WaitForFunctionAsync(
            "() => (document.querySelector('.chat-message.assistant.streaming .chat-text.markdown')?.textContent ?? '').length > 0",
            null, new() { Timeout = CampgroundPage.Patient.Timeout });

    /// <summary>
    /// The journal's turn of <paramref name="sessionId"/> for <paramref name="message"/> that is not one of
    /// <paramref name="except"/>. A turn is journaled when it ends (a stopped one a moment after its call ended), so this
    /// looks again, for as long as a reply may take on two shared cores.
    /// </summary>
    public static async Task<Turn> TurnAsync(
        this InferenceService.InferenceServiceClient inference, string sessionId, string message, CancellationToken cancellationToken,
        params string[] except)
    {
        for (var attempt = 0; attempt < 480; attempt++)
        {
            var page = await inference.ListTurnsAsync(new ListTurnsRequest { SessionId = sessionId, PageSize = 50 }, cancellationToken: cancellationToken);
            if (page.Turns.FirstOrDefault(t => t.UserMessage == message && !except.Contains(t.Stats.TurnId)) is { } turn)
            {
                return turn;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new InvalidOperationException($"The journal has no turn of session {sessionId} for \"{message}\".");
    }
}
