using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Chat;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Chat;

public sealed class ChatSessionTests : ScriptedChatTests
{
    private ScriptedTuningService Tuning => Backends.Tuning;

    [Fact]
    public async Task Reply_grows_delta_by_delta_and_ends_with_the_servers_stats()
    {
        using var session = NewSession();
        var seen = new List<string>();
        session.Changed += () => seen.Add(session.Messages[^1].Text);

        await session.SendAsync("  Hi there  ", CancellationToken.None);

        Assert.Equal(["You", "Tomodachi"], session.Messages.Select(m => m.Role == ChatRole.User ? "You" : "Tomodachi"));
        Assert.Equal("Hi there", session.Messages[0].Text);
        Assert.Equal("Hello, camper!", session.Messages[1].Text);
        Assert.Contains("Hello", seen);
        Assert.Contains("Hello, camper", seen);
        Assert.Equal(3u, session.LastStats!.CompletionTokens);
        Assert.Same(session.LastStats, session.Messages[1].Stats);
        Assert.False(session.IsReplying);
    }

    [Fact]
    public async Task Request_carries_a_session_id_the_contract_accepts()
    {
        using var session = NewSession();

        await session.SendAsync("Hi", CancellationToken.None);

        var request = Assert.Single(Inference.Requests);
        Assert.Equal(session.SessionId, request.SessionId);
        Assert.True(ChatSession.IsValidSessionId(request.SessionId));
    }

    [Fact]
    public async Task Blank_message_is_not_sent()
    {
        using var session = NewSession();

        await session.SendAsync("   ", CancellationToken.None);

        Assert.Empty(session.Messages);
        Assert.Empty(Inference.Requests);
    }

    [Fact]
    public async Task Unreachable_service_becomes_an_error_line_not_an_exception()
    {
        using var closed = GrpcChannel.ForAddress("http://127.0.0.1:9");
        using var session = new ChatSession(new InferenceService.InferenceServiceClient(closed), new ConversationService.ConversationServiceClient(closed), new TuningService.TuningServiceClient(closed));

        await session.SendAsync("Hi", CancellationToken.None);

        Assert.StartsWith("Unavailable", session.Messages[1].Error);
        Assert.Null(session.LastStats);
        Assert.False(session.IsReplying);
        Assert.False(session.Messages[1].CanBeRated);
    }

    [Fact]
    public async Task A_finished_reply_is_unrated_and_thumbs_up_is_stored_on_its_turn()
    {
        using var session = NewSession();
        var reply = await ChatAsync(session);
        Assert.Equal(Rating.Cleared, reply.Rating);

        await session.RateAsync(reply, Rating.ThumbsUp, CancellationToken.None);

        Assert.Equal(Rating.ThumbsUp, reply.Rating);
        Assert.Equal(Rating.ThumbsUp, Tuning.Ratings["turn-1"]);
        Assert.Null(reply.RatingError);
        Assert.False(reply.IsRating);
    }

    [Fact]
    public async Task Pressing_the_chosen_thumb_again_clears_the_rating()
    {
        using var session = NewSession();
        var reply = await ChatAsync(session);
        await session.RateAsync(reply, Rating.ThumbsDown, CancellationToken.None);

        await session.RateAsync(reply, Rating.ThumbsDown, CancellationToken.None);

        Assert.Equal(Rating.Cleared, reply.Rating);
        Assert.Equal(Rating.Cleared, Tuning.Ratings["turn-1"]);
    }

    [Fact]
    public async Task The_other_thumb_replaces_the_rating()
    {
        using var session = NewSession();
        var reply = await ChatAsync(session);
        await session.RateAsync(reply, Rating.ThumbsUp, CancellationToken.None);

        await session.RateAsync(reply, Rating.ThumbsDown, CancellationToken.None);

        Assert.Equal(Rating.ThumbsDown, reply.Rating);
        Assert.Equal(Rating.ThumbsDown, Tuning.Ratings["turn-1"]);
    }

    [Fact]
    public async Task Rating_a_turn_the_journal_does_not_know_says_so_in_words_and_keeps_the_old_rating()
    {
        using var session = NewSession();
        await session.SendAsync("Hi", CancellationToken.None);
        var reply = session.Messages[1];

        await session.RateAsync(reply, Rating.ThumbsUp, CancellationToken.None);

        Assert.Equal(Rating.Cleared, reply.Rating);
        Assert.Equal("Rating not saved: NotFound: No journaled turn has the id 'turn-1'.", reply.RatingError);
    }

    [Fact]
    public async Task Rating_while_the_tuning_service_fails_shows_the_reason_and_a_later_success_clears_it()
    {
        using var session = NewSession();
        var reply = await ChatAsync(session);
        Tuning.Failures["RateTurn"] = new Status(StatusCode.Unavailable, "the journal is locked");

        await session.RateAsync(reply, Rating.ThumbsUp, CancellationToken.None);

        Assert.Equal("Rating not saved: Unavailable: the journal is locked", reply.RatingError);
        Assert.Equal(Rating.Cleared, reply.Rating);

        Tuning.Failures.Clear();
        await session.RateAsync(reply, Rating.ThumbsUp, CancellationToken.None);

        Assert.Null(reply.RatingError);
        Assert.Equal(Rating.ThumbsUp, reply.Rating);
    }

    [Fact]
    public async Task Only_a_reply_can_be_rated_and_only_with_a_thumb()
    {
        using var session = NewSession();
        var reply = await ChatAsync(session);

        await session.RateAsync(session.Messages[0], Rating.ThumbsUp, CancellationToken.None);
        await session.RateAsync(reply, Rating.Cleared, CancellationToken.None);

        Assert.False(session.Messages[0].CanBeRated);
        Assert.Equal(Rating.Cleared, Tuning.Ratings["turn-1"]);
    }

    /// <summary>One exchange whose turn the scripted journal knows, so it can be rated.</summary>
    private async Task<ChatMessage> ChatAsync(ChatSession session)
    {
        Tuning.Ratings["turn-1"] = Rating.Cleared;
        await session.SendAsync("Hi", CancellationToken.None);
        return session.Messages[1];
    }
}
