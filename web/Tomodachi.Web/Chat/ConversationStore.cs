using Microsoft.JSInterop;

namespace Tomodachi.Web.Chat;

/// <summary>
/// Keeps the conversation id in the tab's sessionStorage, so a reload continues the same conversation (and shows its
/// ratings) while a new tab starts a new one.
/// </summary>
public sealed class ConversationStore(IJSRuntime js)
{
    public const string Key = "tomodachi.sessionId";

    /// <summary>The id this tab chatted under before, or null for a fresh tab or a browser that keeps nothing.</summary>
    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await js.InvokeAsync<string?>("sessionStorage.getItem", cancellationToken, Key);
        }
        catch (JSException)
        {
            // Storage disabled by the browser: every load is then a new conversation.
            return null;
        }
    }

    public async Task WriteAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            await js.InvokeVoidAsync("sessionStorage.setItem", cancellationToken, Key, sessionId);
        }
        catch (JSException)
        {
            // As above: nothing to resume later, the chat itself still works.
        }
    }
}
