using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Chat;

namespace Tomodachi.Web.Tests.Chat;

/// <summary>Which conversation a session shows: opened from the journal, or new; and the persona it sends.</summary>
public sealed class ChatSessionConversationTests : ScriptedChatTests
{
    [Fact]
    public async Task Open_shows_the_conversation_oldest_first_with_its_stored_ratings_and_persona()
    {
        Inference.Journal.AddRange([JournaledTurn("old-2", "web-earlier", "How are you?", "Fine.", persona: "coach"),
            JournaledTurn("old-1", "web-earlier", "Hi", "Hello!"), JournaledTurn("other", "web-someone-else", "Psst", "Shh")]);
        Backends.Tuning.Ratings["old-1"] = Rating.ThumbsDown;
        Backends.Tuning.Ratings["old-2"] = Rating.Cleared;
        using var session = NewSession();

        await session.OpenAsync("web-earlier", CancellationToken.None);

        Assert.Equal("web-earlier", session.SessionId);
        Assert.Equal(["Hi", "Hello!", "How are you?", "Fine."], session.Messages.Select(m => m.Text));
        Assert.Equal(Rating.ThumbsDown, session.Messages[1].Rating);
        Assert.Equal(Rating.Cleared, session.Messages[3].Rating);
        Assert.Equal("coach", session.Persona);
        Assert.Null(session.HistoryError);

        await session.SendAsync("And now?", CancellationToken.None);
        var request = Assert.Single(Inference.Requests);
        Assert.Equal("web-earlier", request.SessionId);
        Assert.Equal("coach", request.Persona);
    }

    [Fact]
    public async Task Open_leaves_out_replaced_turns_and_shows_a_stopped_reply_as_stopped()
    {
        var replaced = JournaledTurn("t1", "web-earlier", "Hi", "first try");
        replaced.Replaced = true;
        var stopped = JournaledTurn("t2", "web-earlier", "Hi", "second");
        stopped.Stats.StopReason = StopReason.Cancelled;
        Inference.Journal.AddRange([stopped, replaced]);
        using var session = NewSession();

        await session.OpenAsync("web-earlier", CancellationToken.None);

        Assert.Equal(["Hi", "second"], session.Messages.Select(m => m.Text));
        Assert.True(session.Messages[1].Stopped);
        Assert.True(session.Messages[1].CanBeRated);
    }

    [Fact]
    public async Task Switching_conversations_replaces_the_lines_and_raises_the_change()
    {
        Inference.Journal.AddRange([JournaledTurn("b1", "web-b", "About B", "B!"), JournaledTurn("a1", "web-a", "About A", "A!")]);
        using var session = NewSession();
        var changes = 0;
        session.ConversationChanged += () => changes++;
        await session.OpenAsync("web-a", CancellationToken.None);

        await session.OpenAsync("web-b", CancellationToken.None);

        Assert.Equal(["About B", "B!"], session.Messages.Select(m => m.Text));
        Assert.Equal(2, changes);
    }

    [Fact]
    public async Task Opening_another_conversation_stops_the_reply_in_progress()
    {
        Inference.Journal.Add(JournaledTurn("b1", "web-b", "About B", "B!"));
        Inference.HoldReply = new TaskCompletionSource();
        using var session = NewSession();
        var replying = session.SendAsync("Tell me a long story", CancellationToken.None);
        await Eventually.TrueAsync(() => session.Messages[^1].Text.Length > 0, "the reply to start streaming");
        var first = session.Messages[^1];

        await session.OpenAsync("web-b", CancellationToken.None);
        await replying;

        Assert.True(first.Stopped);
        Assert.False(session.IsReplying);
        Assert.Equal(["About B", "B!"], session.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_new_conversation_has_a_fresh_id_no_lines_and_keeps_the_chosen_persona()
    {
        using var session = NewSession();
        session.Persona = "coach";
        await session.SendAsync("Hi", CancellationToken.None);
        var first = session.SessionId;

        await session.StartNewAsync();
        await session.SendAsync("Hello again", CancellationToken.None);

        Assert.NotEqual(first, session.SessionId);
        Assert.True(ChatSession.IsValidSessionId(session.SessionId));
        Assert.Equal(["Hello again", "Hello, camper!"], session.Messages.Select(m => m.Text));
        Assert.Equal(["coach", "coach"], Inference.Requests.Select(r => r.Persona));
        Assert.Equal(session.SessionId, Inference.Requests[1].SessionId);
    }

    [Fact]
    public async Task Automatic_persona_sends_none_so_the_orchestrator_chooses()
    {
        using var session = NewSession();

        await session.SendAsync("Hi", CancellationToken.None);

        Assert.Equal("", Assert.Single(Inference.Requests).Persona);
    }

    [Fact]
    public async Task Open_of_an_id_the_journal_does_not_know_is_a_conversation_without_turns()
    {
        using var session = NewSession();

        await session.OpenAsync("web-reloaded-before-first-reply", CancellationToken.None);

        Assert.Equal("web-reloaded-before-first-reply", session.SessionId);
        Assert.Empty(session.Messages);
        Assert.Null(session.HistoryError);
    }

    [Fact]
    public async Task Open_while_the_journal_fails_says_so_and_the_chat_goes_on()
    {
        Backends.Conversations.Failures["GetConversation"] = new Status(StatusCode.Internal, "disk I/O error");
        using var session = NewSession();

        await session.OpenAsync("web-earlier", CancellationToken.None);
        await session.SendAsync("Hi", CancellationToken.None);

        Assert.Equal("The conversation could not be loaded: Internal: disk I/O error", session.HistoryError);
        Assert.Equal("Hello, camper!", session.Messages[^1].Text);
    }

    [Fact]
    public async Task Open_while_the_service_is_unreachable_says_so()
    {
        using var closed = GrpcChannel.ForAddress("http://127.0.0.1:9");
        using var session = new ChatSession(Backends.InferenceClient, new ConversationService.ConversationServiceClient(closed), Backends.TuningClient);

        await session.OpenAsync("web-earlier", CancellationToken.None);

        Assert.StartsWith("The conversation could not be loaded: Unavailable", session.HistoryError);
        Assert.Empty(session.Messages);
    }

    [Fact]
    public async Task Resume_with_ratings_unavailable_shows_the_replies_and_says_why_their_rating_is_unknown()
    {
        Inference.Journal.Add(JournaledTurn("old-1", "web-earlier", "Hi", "Hello!"));
        Backends.Tuning.Failures["GetRatings"] = new Status(StatusCode.Unimplemented, "");
        using var session = NewSession();

        await session.OpenAsync("web-earlier", CancellationToken.None);

        Assert.Equal("Hello!", session.Messages[1].Text);
        Assert.Equal(Rating.Unspecified, session.Messages[1].Rating);
        Assert.Equal("Stored rating unknown: Unimplemented: the service does not offer TuningService.GetRatings yet", session.Messages[1].RatingError);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has spaces")]
    [InlineData("web-<script>")]
    public async Task Open_of_an_id_the_contract_refuses_keeps_the_current_conversation(string stored)
    {
        using var session = NewSession();
        var fresh = session.SessionId;

        await session.OpenAsync(stored, CancellationToken.None);

        Assert.Equal(fresh, session.SessionId);
        Assert.Null(session.HistoryError);
    }
}
