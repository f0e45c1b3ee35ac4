using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Chat;
using Tomodachi.Web.Components.ChatUi;
using Tomodachi.Web.Markdown;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Components;

public sealed class ChatViewTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private ScriptedInference backends = null!;

    public async Task InitializeAsync()
    {
        backends = await ScriptedInference.StartAsync();
        Services.AddSingleton(new ChatSession(backends.InferenceClient, backends.ConversationClient, backends.TuningClient));
        Services.AddSingleton(backends.InferenceClient);
        Services.AddSingleton<ChatMarkdown>();
        Services.AddScoped<ConversationStore>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await backends.DisposeAsync();
    }

    [Fact]
    public void A_finished_reply_offers_both_thumbs_with_aria_labels_and_neither_pressed()
    {
        var cut = ChatOnce();

        var up = cut.Find("[data-rating=up]");
        var down = cut.Find("[data-rating=down]");
        Assert.Equal("Good reply (thumbs up)", up.GetAttribute("aria-label"));
        Assert.Equal("Bad reply (thumbs down)", down.GetAttribute("aria-label"));
        Assert.Equal("false", up.GetAttribute("aria-pressed"));
        Assert.Equal("false", down.GetAttribute("aria-pressed"));
        Assert.Equal("turn-1", cut.Find(".chat-message.assistant").GetAttribute("data-turn-id"));
        Assert.Empty(cut.FindAll(".chat-message.user .chat-rating"));
    }

    [Fact]
    public void Thumbs_up_is_stored_and_shown_pressed_and_a_second_press_clears_it()
    {
        var cut = ChatOnce();

        cut.WaitForAssertion(() => cut.Find("[data-rating=up]").Click(), Wait);
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-rating=up]").GetAttribute("aria-pressed")), Wait);
        Assert.Equal(Rating.ThumbsUp, backends.Tuning.Ratings["turn-1"]);
        Assert.Contains("chosen", cut.Find("[data-rating=up]").ClassList);

        cut.WaitForAssertion(() => cut.Find("[data-rating=up]").Click(), Wait);
        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("[data-rating=up]").GetAttribute("aria-pressed")), Wait);
        Assert.Equal(Rating.Cleared, backends.Tuning.Ratings["turn-1"]);
    }

    [Fact]
    public void A_rating_the_service_refuses_is_shown_in_words()
    {
        var cut = ChatOnce();
        backends.Tuning.Failures["RateTurn"] = new Status(StatusCode.Unavailable, "the journal is locked");

        cut.WaitForAssertion(() => cut.Find("[data-rating=down]").Click(), Wait);

        cut.WaitForAssertion(() => Assert.Equal("Rating not saved: Unavailable: the journal is locked", cut.Find(".rating-error").TextContent), Wait);
        Assert.Equal("alert", cut.Find(".rating-error").GetAttribute("role"));
        Assert.Equal("false", cut.Find("[data-rating=down]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void A_fresh_tab_keeps_its_new_conversation_id_for_a_reload()
    {
        var cut = Render<ChatView>();

        var stored = JSInterop.VerifyInvoke("sessionStorage.setItem");
        Assert.Equal([ConversationStore.Key, cut.Find("[data-session-id]").GetAttribute("data-session-id")], stored.Arguments);
    }

    [Fact]
    public void After_a_reload_the_earlier_conversation_comes_back_with_its_stored_rating()
    {
        var stats = TestData.Turn("old-1");
        stats.SessionId = "web-earlier";
        backends.Inference.Journal.Add(new Turn { Stats = stats, UserMessage = "Hi", Reply = "Hello again!" });
        backends.Tuning.Ratings["old-1"] = Rating.ThumbsUp;
        JSInterop.Setup<string?>("sessionStorage.getItem", ConversationStore.Key).SetResult("web-earlier");

        var cut = Render<ChatView>();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-rating=up]").GetAttribute("aria-pressed")), Wait);
        Assert.Equal("web-earlier", cut.Find("[data-session-id]").GetAttribute("data-session-id"));
        Assert.Equal("Hello again!", cut.Find(".chat-message.assistant .chat-text").TextContent.Trim());
    }

    [Fact]
    public void An_earlier_conversation_that_cannot_be_loaded_is_explained()
    {
        backends.Tuning.Failures["GetRatings"] = new Status(StatusCode.Internal, "disk I/O error");
        var stats = TestData.Turn("old-1");
        stats.SessionId = "web-earlier";
        backends.Inference.Journal.Add(new Turn { Stats = stats, UserMessage = "Hi", Reply = "Hello again!" });
        JSInterop.Setup<string?>("sessionStorage.getItem", ConversationStore.Key).SetResult("web-earlier");

        var cut = Render<ChatView>();

        cut.WaitForAssertion(() => Assert.Equal("Stored rating unknown: Internal: disk I/O error", cut.Find(".rating-error").TextContent), Wait);
    }

    [Fact]
    public void A_reply_renders_as_markdown_and_html_in_it_shows_as_text()
    {
        backends.Inference.ReplyDeltas = ["**Bold** move. <script>window.pwned = 1</script>", " <img src=x onerror=\"window.pwned = 2\">\n\n```sh\nls -la\n```"];

        var cut = ChatOnce();

        var reply = cut.Find(".chat-message.assistant .chat-text");
        Assert.Equal("Bold", reply.QuerySelector("strong")!.TextContent);
        Assert.Empty(reply.QuerySelectorAll("script, img"));
        Assert.Contains("<script>window.pwned = 1</script>", reply.TextContent);
        Assert.Contains("<img src=x onerror=\"window.pwned = 2\">", reply.TextContent);
        Assert.Equal("ls -la\n", reply.QuerySelector(".code-block pre code")!.TextContent);
        Assert.NotNull(reply.QuerySelector(".code-block button.code-copy"));
    }

    [Fact]
    public void The_persons_message_goes_through_the_same_markdown_and_stays_text()
    {
        var cut = ChatOnce("<img src=x onerror=\"window.pwned = 3\"> and `code`");

        var message = cut.Find(".chat-message.user .chat-text");
        Assert.Empty(message.QuerySelectorAll("img"));
        Assert.Equal("code", message.QuerySelector("code")!.TextContent);
        Assert.Contains("<img src=x onerror=\"window.pwned = 3\">", message.TextContent);
    }

    [Fact]
    public async Task While_a_reply_streams_Stop_replaces_Send_and_Escape_stops_it()
    {
        backends.Inference.HoldReply = new TaskCompletionSource();
        var cut = Render<ChatView>();
        cut.WaitForAssertion(() => cut.Find("#chatInput").Input("Tell me a long story"), Wait);
        await cut.InvokeAsync(() => cut.Find("form.chat-form").Submit());

        cut.WaitForAssertion(() => Assert.Equal("Hello", cut.Find(".chat-message.assistant .chat-text").TextContent.Trim()), Wait);
        Assert.Empty(cut.FindAll("#sendButton"));
        Assert.Equal("Stop the reply (Esc)", cut.Find("#stopButton").GetAttribute("aria-label"));

        await cut.InvokeAsync(() => cut.Find("section.chat").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" }));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#sendButton")), Wait);
        Assert.Empty(cut.FindAll("#stopButton"));
        cut.WaitForAssertion(() => Assert.StartsWith("Stopped · ", cut.Find(".chat-message.assistant .chat-stats").TextContent), Wait);
    }

    [Fact]
    public async Task The_Stop_button_stops_the_reply()
    {
        backends.Inference.HoldReply = new TaskCompletionSource();
        var cut = Render<ChatView>();
        cut.WaitForAssertion(() => cut.Find("#chatInput").Input("Tell me a long story"), Wait);
        await cut.InvokeAsync(() => cut.Find("form.chat-form").Submit());

        cut.WaitForAssertion(() => Assert.Equal("Hello", cut.Find(".chat-message.assistant .chat-text").TextContent.Trim()), Wait);

        await cut.InvokeAsync(() => cut.Find("#stopButton").Click());

        cut.WaitForAssertion(() => Assert.Contains("Stopped", cut.Find(".chat-message.assistant .chat-stats").TextContent), Wait);
        Assert.Equal("Hello", cut.Find(".chat-message.assistant .chat-text").TextContent.Trim());
    }

    [Fact]
    public async Task Only_the_last_exchange_offers_edit_and_regenerate_and_regenerate_replaces_the_reply()
    {
        var cut = ChatOnce();
        cut.WaitForAssertion(() => cut.Find("#chatInput").Input("Second"), Wait);
        await cut.InvokeAsync(() => cut.Find("form.chat-form").Submit());
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".chat-message.assistant .chat-stats").Count), Wait);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#regenerate")), Wait);
        Assert.Single(cut.FindAll("#editLast"));
        Assert.Equal("Second", cut.Find("#editLast").Closest(".chat-message")!.QuerySelector(".chat-text")!.TextContent.Trim());
        backends.Inference.ReplyDeltas = ["Another", " answer"];

        await cut.InvokeAsync(() => cut.Find("#regenerate").Click());

        cut.WaitForAssertion(() => Assert.Equal("Another answer", cut.FindAll(".chat-message.assistant .chat-text")[^1].TextContent.Trim()), Wait);
        Assert.True(backends.Inference.Requests[^1].ReplaceLastTurn);
        Assert.Equal("Second", backends.Inference.Requests[^1].Message);
        Assert.Equal(2, cut.FindAll(".chat-message.assistant").Count);
    }

    [Fact]
    public async Task Editing_the_last_message_resends_it_and_Escape_cancels_the_edit()
    {
        var cut = ChatOnce();
        cut.WaitForAssertion(() => cut.Find("#editLast").Click(), Wait);
        await cut.InvokeAsync(() => cut.Find("#editInput").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" }));
        Assert.Empty(cut.FindAll("#editInput"));

        await cut.InvokeAsync(() => cut.Find("#editLast").Click());
        Assert.Equal("Hi", cut.Find("#editInput").GetAttribute("value"));
        await cut.InvokeAsync(() => cut.Find("#editInput").Input("Hi, edited"));
        await cut.InvokeAsync(() => cut.Find("form.edit-form").Submit());

        cut.WaitForAssertion(() => Assert.Equal("Hi, edited", cut.Find(".chat-message.user .chat-text").TextContent.Trim()), Wait);
        cut.WaitForAssertion(() => Assert.Equal(2, backends.Inference.Requests.Count), Wait);
        Assert.True(backends.Inference.Requests[1].ReplaceLastTurn);
        Assert.Equal("Hi, edited", backends.Inference.Requests[1].Message);
    }

    [Fact]
    public async Task The_persona_picker_lists_the_personas_and_the_chosen_one_goes_with_the_message()
    {
        backends.Inference.Personas.AddRange([new Persona { Name = "tomodachi", Description = "A friend", IsDefault = true }, new Persona { Name = "coach", Description = "Keeps you going" }]);
        var cut = Render<ChatView>();
        cut.WaitForAssertion(() => Assert.Equal(["", "tomodachi", "coach"], cut.FindAll("#personaPicker option").Select(o => o.GetAttribute("value"))), Wait);
        Assert.Equal("tomodachi (default)", cut.FindAll("#personaPicker option")[1].TextContent);

        await cut.InvokeAsync(() => cut.Find("#personaPicker").Change("coach"));
        await cut.InvokeAsync(() => cut.Find("#chatInput").Input("Push me"));
        await cut.InvokeAsync(() => cut.Find("form.chat-form").Submit());

        cut.WaitForAssertion(() => Assert.Equal("coach", Assert.Single(backends.Inference.Requests).Persona), Wait);
    }

    [Fact]
    public void Personas_that_cannot_be_listed_are_explained_and_the_chat_still_works()
    {
        backends.Inference.Failures["ListPersonas"] = new Status(StatusCode.Unavailable, "Connection refused");
        var cut = Render<ChatView>();

        cut.WaitForAssertion(() => Assert.Equal("Personas unknown: Unavailable: Connection refused", cut.Find("#personaError").TextContent), Wait);
        Assert.Equal(["Automatic"], cut.FindAll("#personaPicker option").Select(o => o.TextContent));
    }

    private IRenderedComponent<ChatView> ChatOnce(string message = "Hi")
    {
        backends.Tuning.Ratings["turn-1"] = Rating.Cleared;
        var cut = Render<ChatView>();
        cut.WaitForAssertion(() => cut.Find("#chatInput").Input(message), Wait);
        cut.WaitForAssertion(() => cut.Find("form").Submit(), Wait);
        cut.WaitForElement("[data-rating=up]", Wait);
        return cut;
    }
}
