using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Chat;
using Tomodachi.Web.Components.ChatUi;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Components;

public sealed class ChatViewTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private ScriptedInference backends = null!;

    public async Task InitializeAsync()
    {
        backends = await ScriptedInference.StartAsync();
        Services.AddSingleton(new ChatSession(backends.InferenceClient, backends.TuningClient));
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
        backends.Inference.Journal.Add(new Tomodachi.Inference.V1.Turn { Stats = stats, UserMessage = "Hi", Reply = "Hello again!" });
        backends.Tuning.Ratings["old-1"] = Rating.ThumbsUp;
        JSInterop.Setup<string?>("sessionStorage.getItem", ConversationStore.Key).SetResult("web-earlier");

        var cut = Render<ChatView>();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-rating=up]").GetAttribute("aria-pressed")), Wait);
        Assert.Equal("web-earlier", cut.Find("[data-session-id]").GetAttribute("data-session-id"));
        Assert.Equal("Hello again!", cut.Find(".chat-message.assistant .chat-text").TextContent);
    }

    [Fact]
    public void An_earlier_conversation_that_cannot_be_loaded_is_explained()
    {
        backends.Tuning.Failures["GetRatings"] = new Status(StatusCode.Internal, "disk I/O error");
        var stats = TestData.Turn("old-1");
        stats.SessionId = "web-earlier";
        backends.Inference.Journal.Add(new Tomodachi.Inference.V1.Turn { Stats = stats, UserMessage = "Hi", Reply = "Hello again!" });
        JSInterop.Setup<string?>("sessionStorage.getItem", ConversationStore.Key).SetResult("web-earlier");

        var cut = Render<ChatView>();

        cut.WaitForAssertion(() => Assert.Equal("Stored rating unknown: Internal: disk I/O error", cut.Find(".rating-error").TextContent), Wait);
    }

    private IRenderedComponent<ChatView> ChatOnce()
    {
        backends.Tuning.Ratings["turn-1"] = Rating.Cleared;
        var cut = Render<ChatView>();
        cut.WaitForAssertion(() => cut.Find("#chatInput").Input("Hi"), Wait);
        cut.WaitForAssertion(() => cut.Find("form").Submit(), Wait);
        cut.WaitForElement("[data-rating=up]", Wait);
        return cut;
    }
}
