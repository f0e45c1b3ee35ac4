using Tomodachi.Inference.V1;
using Tomodachi.Web.Chat;

namespace Tomodachi.Web.Tests.Chat;

/// <summary>A private chat: the page keeps its lines and sends them along, since the service keeps nothing of it.</summary>
public sealed class ChatSessionPrivateTests : ScriptedChatTests
{
    [Fact]
    public async Task A_private_chat_sends_its_earlier_lines_as_history_and_its_replies_cannot_be_rated_or_replaced()
    {
        using var session = NewSession();
        await session.StartPrivateAsync();

        await session.SendAsync("one", CancellationToken.None);
        await session.SendAsync("two", CancellationToken.None);
        await session.RegenerateAsync(CancellationToken.None);

        Assert.True(session.IsPrivate);
        Assert.StartsWith("private-", session.SessionId);
        Assert.True(ChatSession.IsValidSessionId(session.SessionId));
        Assert.All(Inference.Requests, r => Assert.True(r.PrivateChat));
        Assert.Empty(Inference.Requests[0].History);
        Assert.Equal([(MessageRole.User, "one"), (MessageRole.Assistant, "Hello, camper!")],
            Inference.Requests[1].History.Select(m => (m.Role, m.Content)));
        // A regenerate sends the history without the replaced exchange instead of asking the service to replace a turn.
        Assert.False(Inference.Requests[2].ReplaceLastTurn);
        Assert.Equal(Inference.Requests[1].History, Inference.Requests[2].History);
        Assert.All(session.Messages.Where(m => m.Role == ChatRole.Assistant), m => Assert.False(m.CanBeRated));
        Assert.Empty(Inference.Journal);
    }

    [Fact]
    public async Task A_new_chat_after_a_private_one_is_an_ordinary_conversation_again()
    {
        using var session = NewSession();
        await session.StartPrivateAsync();
        await session.SendAsync("secret", CancellationToken.None);

        await session.StartNewAsync();
        await session.SendAsync("ordinary", CancellationToken.None);

        Assert.False(session.IsPrivate);
        Assert.Equal(["ordinary"], session.Messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
        var ordinary = Inference.Requests[^1];
        Assert.False(ordinary.PrivateChat);
        Assert.Empty(ordinary.History);
        Assert.Equal(["ordinary"], Inference.Journal.Select(t => t.UserMessage));
    }
}
