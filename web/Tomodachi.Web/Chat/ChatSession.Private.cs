using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Chat;

/// <summary>
/// A private chat: the inference service writes nothing of it (no journal row, no memory, no listed conversation), so
/// its lines live only in this circuit and go with every message as the history; the tab does not remember its id.
/// Closing the tab or switching to another conversation ends it for good.
/// </summary>
public sealed partial class ChatSession
{
    /// <summary>True while this session is a private chat.</summary>
    public bool IsPrivate { get; private set; }

    /// <summary>Starts a private chat under a fresh id, stopping a reply in progress. The persona stays as chosen.</summary>
    public async Task StartPrivateAsync() => await SwitchToAsync(NewSessionId("private-"), isPrivate: true);

    /// <summary>The lines before the message being answered (the last two are it and its reply); failed replies left out.</summary>
    private IEnumerable<Message> PrivateHistory() => messages.SkipLast(2)
        .Where(m => m.Error is null && m.Text.Length > 0)
        .Select(m => new Message { Role = m.Role == ChatRole.User ? MessageRole.User : MessageRole.Assistant, Content = m.Text });
}
