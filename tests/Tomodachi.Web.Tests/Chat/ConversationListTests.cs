using Grpc.Core;
using Tomodachi.Web.Chat;

namespace Tomodachi.Web.Tests.Chat;

public sealed class ConversationListTests : ScriptedChatTests
{
    [Fact]
    public async Task Conversations_are_listed_most_recently_active_first()
    {
        using var session = NewSession();
        await session.SendAsync("Older chat", CancellationToken.None);
        await session.StartNewAsync();
        await session.SendAsync("Newer chat", CancellationToken.None);
        var list = new ConversationList(Backends.ConversationClient);

        await list.RefreshAsync(CancellationToken.None);

        Assert.Equal(["Newer chat", "Older chat"], list.Items.Select(c => c.Title));
        Assert.False(list.HasMore);
        Assert.Null(list.Error);
    }

    [Fact]
    public async Task More_pages_are_added_on_request_and_a_refresh_keeps_as_many()
    {
        for (var i = 0; i < ConversationList.PageSize + 3; i++)
        {
            Inference.Journal.Add(JournaledTurn($"t{i}", $"web-{i}", $"Chat {i}", "Hi"));
        }

        var list = new ConversationList(Backends.ConversationClient);
        await list.RefreshAsync(CancellationToken.None);
        Assert.Equal((int)ConversationList.PageSize, list.Items.Count);
        Assert.True(list.HasMore);

        await list.LoadMoreAsync(CancellationToken.None);
        Assert.Equal((int)ConversationList.PageSize + 3, list.Items.Count);
        Assert.False(list.HasMore);

        await list.RefreshAsync(CancellationToken.None);
        Assert.Equal((int)ConversationList.PageSize + 3, list.Items.Count);
    }

    [Fact]
    public async Task Rename_shows_the_new_title_and_a_refused_title_says_why()
    {
        Inference.Journal.Add(JournaledTurn("t1", "web-a", "Hi", "Hello"));
        var list = new ConversationList(Backends.ConversationClient);
        await list.RefreshAsync(CancellationToken.None);

        Assert.Null(await list.RenameAsync("web-a", "Greetings", CancellationToken.None));
        Assert.Equal("Greetings", Assert.Single(list.Items).Title);

        var problem = await list.RenameAsync("web-a", "   ", CancellationToken.None);
        Assert.Equal("Not renamed: InvalidArgument: title must be 1 to 200 characters; it has 0.", problem);
        Assert.Equal("Greetings", Assert.Single(list.Items).Title);
    }

    [Fact]
    public async Task Delete_removes_the_conversation_and_a_refused_delete_keeps_it_and_says_why()
    {
        Inference.Journal.AddRange([JournaledTurn("t2", "web-b", "B", "b"), JournaledTurn("t1", "web-a", "A", "a")]);
        var list = new ConversationList(Backends.ConversationClient);
        await list.RefreshAsync(CancellationToken.None);
        Backends.Conversations.Failures["DeleteConversation"] = new Status(StatusCode.Unavailable, "The memory service cannot be reached; nothing was deleted.");

        var problem = await list.DeleteAsync("web-a", CancellationToken.None);

        Assert.Equal("Not deleted: Unavailable: The memory service cannot be reached; nothing was deleted.", problem);
        Assert.Equal(2, list.Items.Count);

        Backends.Conversations.Failures.Clear();
        Assert.Null(await list.DeleteAsync("web-a", CancellationToken.None));
        Assert.Equal("web-b", Assert.Single(list.Items).SessionId);
        await list.RefreshAsync(CancellationToken.None);
        Assert.Equal("web-b", Assert.Single(list.Items).SessionId);
    }

    [Fact]
    public async Task A_list_that_cannot_be_read_says_why()
    {
        Backends.Conversations.Failures["ListConversations"] = new Status(StatusCode.Unimplemented, "");
        var list = new ConversationList(Backends.ConversationClient);

        await list.RefreshAsync(CancellationToken.None);

        Assert.Equal("Conversations could not be listed: Unimplemented: the service does not offer ConversationService.ListConversations yet", list.Error);
        Assert.Empty(list.Items);
    }
}
