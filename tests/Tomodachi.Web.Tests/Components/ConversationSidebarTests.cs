using Grpc.Core;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Chat;
using Tomodachi.Web.Components.ChatUi;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Components;

public sealed class ConversationSidebarTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private ScriptedInference backends = null!;
    private ChatSession session = null!;

    public async Task InitializeAsync()
    {
        backends = await ScriptedInference.StartAsync();
        session = new ChatSession(backends.InferenceClient, backends.ConversationClient, backends.TuningClient);
        Services.AddSingleton(session);
        Services.AddSingleton(new ConversationList(backends.ConversationClient));
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)));
        backends.Inference.Journal.AddRange([Turn("b1", "web-b", "Second chat", "B"), Turn("a2", "web-a", "More", "A2"), Turn("a1", "web-a", "First chat", "A1")]);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        session.Dispose();
        await backends.DisposeAsync();
    }

    [Fact]
    public void Conversations_are_listed_most_recently_active_first_with_their_turn_counts()
    {
        var cut = Render<ConversationSidebar>();

        cut.WaitForAssertion(() => Assert.Equal(["Second chat", "First chat"], cut.FindAll(".conversation-title").Select(t => t.TextContent)), Wait);
        Assert.Equal(["1 turn · 10:00", "2 turns · 10:00"], cut.FindAll(".conversation-meta").Select(m => m.TextContent.Trim()));
        Assert.Equal("Conversations", cut.Find("nav").GetAttribute("aria-label"));
        Assert.Equal("Rename “Second chat”", cut.Find("[data-action=rename]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Choosing_a_conversation_opens_it_and_marks_it_current()
    {
        var cut = Render<ConversationSidebar>();

        cut.WaitForAssertion(() => Conversation(cut, "web-a").QuerySelector(".conversation-open")!.Click(), Wait);

        cut.WaitForAssertion(() => Assert.Equal(["First chat", "A1", "More", "A2"], session.Messages.Select(m => m.Text)), Wait);
        Assert.Equal("web-a", session.SessionId);
        cut.WaitForAssertion(() => Assert.Equal("page", Conversation(cut, "web-a").QuerySelector(".conversation-open")!.GetAttribute("aria-current")), Wait);
        Assert.Null(Conversation(cut, "web-b").QuerySelector(".conversation-open")!.GetAttribute("aria-current"));
    }

    [Fact]
    public async Task New_chat_starts_an_empty_conversation_and_a_reply_puts_it_at_the_top()
    {
        var cut = Render<ConversationSidebar>();
        cut.WaitForAssertion(() => Conversation(cut, "web-a").QuerySelector(".conversation-open")!.Click(), Wait);
        cut.WaitForAssertion(() => Assert.Equal("web-a", session.SessionId), Wait);

        await cut.InvokeAsync(() => cut.Find("#newChat").Click());

        cut.WaitForAssertion(() => Assert.Empty(session.Messages), Wait);
        Assert.NotEqual("web-a", session.SessionId);
        await cut.InvokeAsync(() => session.SendAsync("Brand new", CancellationToken.None));
        cut.WaitForAssertion(() => Assert.Equal("Brand new", cut.FindAll(".conversation-title")[0].TextContent), Wait);
    }

    [Fact]
    public async Task Rename_by_keyboard_saves_the_title_and_Escape_cancels()
    {
        var cut = Render<ConversationSidebar>();
        cut.WaitForAssertion(() => Conversation(cut, "web-a").QuerySelector("[data-action=rename]")!.Click(), Wait);
        Assert.Equal("First chat", cut.Find("#renameInput").GetAttribute("value"));
        await cut.InvokeAsync(() => cut.Find(".rename-form").KeyDown(new KeyboardEventArgs { Key = "Escape" }));
        Assert.Empty(cut.FindAll("#renameInput"));

        await cut.InvokeAsync(() => Conversation(cut, "web-a").QuerySelector("[data-action=rename]")!.Click());
        await cut.InvokeAsync(() => cut.Find("#renameInput").Input("Camping plans"));
        await cut.InvokeAsync(() => cut.Find(".rename-form").Submit());

        cut.WaitForAssertion(() => Assert.Equal("Camping plans", Conversation(cut, "web-a").QuerySelector(".conversation-title")!.TextContent), Wait);
        Assert.Empty(cut.FindAll("#renameInput"));
    }

    [Fact]
    public async Task A_refused_title_keeps_the_editor_open_and_says_why()
    {
        var cut = Render<ConversationSidebar>();
        cut.WaitForAssertion(() => Conversation(cut, "web-a").QuerySelector("[data-action=rename]")!.Click(), Wait);

        await cut.InvokeAsync(() => cut.Find("#renameInput").Input(new string('x', 201)));
        await cut.InvokeAsync(() => cut.Find(".rename-form").Submit());

        cut.WaitForAssertion(() => Assert.Equal("Not renamed: InvalidArgument: title must be 1 to 200 characters; it has 201.",
            Conversation(cut, "web-a").QuerySelector("[role=alert]")!.TextContent), Wait);
        Assert.NotNull(cut.Find("#renameInput"));
    }

    [Fact]
    public async Task Delete_asks_first_Cancel_keeps_the_conversation_and_Delete_removes_it()
    {
        var cut = Render<ConversationSidebar>();
        cut.WaitForAssertion(() => Conversation(cut, "web-a").QuerySelector("[data-action=delete]")!.Click(), Wait);
        Assert.Contains("Delete “First chat”", cut.Find(".delete-confirm").TextContent);
        Assert.Empty(backends.Conversations.Deleted);

        await cut.InvokeAsync(() => cut.Find("#cancelDelete").Click());
        Assert.Empty(cut.FindAll(".delete-confirm"));
        Assert.Equal(2, cut.FindAll(".conversation").Count);

        await cut.InvokeAsync(() => Conversation(cut, "web-a").QuerySelector("[data-action=delete]")!.Click());
        await cut.InvokeAsync(() => cut.Find("#confirmDelete").Click());

        cut.WaitForAssertion(() => Assert.Equal(["web-b"], cut.FindAll(".conversation").Select(c => c.GetAttribute("data-session-id"))), Wait);
        Assert.Equal(["web-a"], backends.Conversations.Deleted);
    }

    [Fact]
    public async Task Deleting_the_open_conversation_moves_the_chat_to_a_new_one()
    {
        var cut = Render<ConversationSidebar>();
        cut.WaitForAssertion(() => Conversation(cut, "web-a").QuerySelector(".conversation-open")!.Click(), Wait);
        cut.WaitForAssertion(() => Assert.Equal(4, session.Messages.Count), Wait);

        await cut.InvokeAsync(() => Conversation(cut, "web-a").QuerySelector("[data-action=delete]")!.Click());
        await cut.InvokeAsync(() => cut.Find("#confirmDelete").Click());

        cut.WaitForAssertion(() => Assert.Equal(["web-a"], backends.Conversations.Deleted), Wait);
        Assert.NotEqual("web-a", session.SessionId);
        Assert.Empty(session.Messages);
    }

    [Fact]
    public async Task A_delete_the_service_refuses_leaves_the_conversation_and_says_why()
    {
        backends.Conversations.Failures["DeleteConversation"] = new Status(StatusCode.Unavailable, "The memory service cannot be reached; nothing was deleted.");
        var cut = Render<ConversationSidebar>();
        cut.WaitForAssertion(() => Conversation(cut, "web-b").QuerySelector("[data-action=delete]")!.Click(), Wait);

        await cut.InvokeAsync(() => cut.Find("#confirmDelete").Click());

        cut.WaitForAssertion(() => Assert.Equal("Not deleted: Unavailable: The memory service cannot be reached; nothing was deleted.",
            Conversation(cut, "web-b").QuerySelector("[role=alert]")!.TextContent), Wait);
        Assert.Equal(2, cut.FindAll(".conversation").Count);
    }

    [Fact]
    public async Task A_list_that_cannot_be_read_is_explained_and_New_chat_still_works()
    {
        backends.Conversations.Failures["ListConversations"] = new Status(StatusCode.Unavailable, "Connection refused");
        var cut = Render<ConversationSidebar>();
        var before = session.SessionId;

        cut.WaitForAssertion(() => Assert.Equal("Conversations could not be listed: Unavailable: Connection refused", cut.Find("#conversationsError").TextContent), Wait);
        await cut.InvokeAsync(() => cut.Find("#newChat").Click());

        cut.WaitForAssertion(() => Assert.NotEqual(before, session.SessionId), Wait);
    }

    private static AngleSharp.Dom.IElement Conversation(IRenderedComponent<ConversationSidebar> cut, string sessionId) =>
        cut.Find($".conversation[data-session-id='{sessionId}']");

    private static Turn Turn(string id, string sessionId, string message, string reply)
    {
        var stats = TestData.Turn(id);
        stats.SessionId = sessionId;
        return new Turn { Stats = stats, UserMessage = message, Reply = reply };
    }
}
