using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Tests.Chat;

/// <summary>Stop, regenerate and edit-and-resend against the scripted service, which journals as the real one does.</summary>
public sealed class ChatSessionReplyControlTests : ScriptedChatTests
{
    [Fact]
    public async Task Stop_ends_the_reply_keeps_its_text_and_the_journal_turn_says_cancelled()
    {
        Inference.HoldReply = new TaskCompletionSource();
        using var session = NewSession();
        var replying = session.SendAsync("Tell me a long story", CancellationToken.None);
        await Eventually.TrueAsync(() => session.Messages[^1].Text.Length > 0, "the reply to start streaming");

        session.Stop();
        await replying;

        var reply = session.Messages[^1];
        Assert.False(session.IsReplying);
        Assert.True(reply.Stopped);
        Assert.Null(reply.Error);
        Assert.Equal("Hello", reply.Text);
        // The server journals the stopped turn after the call ended; the session finds it there.
        await Eventually.TrueAsync(() => reply.Stats is not null, "the stopped turn to be found in the journal");
        Assert.Equal(StopReason.Cancelled, reply.Stats!.StopReason);
        Assert.Equal(Rating.Cleared, reply.Rating);
        Assert.True(reply.CanBeRated);
    }

    [Fact]
    public async Task After_a_stop_the_next_message_gets_its_whole_reply()
    {
        Inference.HoldReply = new TaskCompletionSource();
        using var session = NewSession();
        var replying = session.SendAsync("Tell me a long story", CancellationToken.None);
        await Eventually.TrueAsync(() => session.Messages[^1].Text.Length > 0, "the reply to start streaming");
        session.Stop();
        await replying;
        Inference.HoldReply = null;

        await session.SendAsync("Shorter, please", CancellationToken.None);

        Assert.Equal("Hello, camper!", session.Messages[^1].Text);
        Assert.False(session.Messages[^1].Stopped);
        Assert.Equal(StopReason.EndOfGeneration, session.Messages[^1].Stats!.StopReason);
        Assert.False(Inference.Requests[1].ReplaceLastTurn);
    }

    [Fact]
    public async Task Stop_without_a_reply_in_progress_does_nothing()
    {
        using var session = NewSession();
        await session.SendAsync("Hi", CancellationToken.None);

        session.Stop();

        Assert.False(session.Messages[^1].Stopped);
        Assert.Equal("Hello, camper!", session.Messages[^1].Text);
    }

    [Fact]
    public async Task Regenerate_sends_the_same_message_in_place_of_the_last_turn()
    {
        using var session = NewSession();
        await session.SendAsync("Hi", CancellationToken.None);
        Inference.ReplyDeltas = ["Hey", " there"];

        await session.RegenerateAsync(CancellationToken.None);

        Assert.Equal(["Hi", "Hey there"], session.Messages.Select(m => m.Text));
        var again = Inference.Requests[1];
        Assert.Equal("Hi", again.Message);
        Assert.True(again.ReplaceLastTurn);
        Assert.Equal("turn-2", session.Messages[1].Stats!.TurnId);
        Assert.Equal(["Hi", "Hey there"], await JournaledMessagesAsync(session.SessionId));
    }

    [Fact]
    public async Task Edit_and_resend_replaces_the_last_message_its_reply_and_its_turn()
    {
        using var session = NewSession();
        await session.SendAsync("First", CancellationToken.None);
        await session.SendAsync("Teh second", CancellationToken.None);

        await session.EditAndResendAsync("  The second  ", CancellationToken.None);

        Assert.Equal(["First", "Hello, camper!", "The second", "Hello, camper!"], session.Messages.Select(m => m.Text));
        var edited = Inference.Requests[2];
        Assert.Equal("The second", edited.Message);
        Assert.True(edited.ReplaceLastTurn);
        Assert.Equal(["First", "Hello, camper!", "The second", "Hello, camper!"], await JournaledMessagesAsync(session.SessionId));
    }

    [Fact]
    public async Task Regenerate_right_after_a_stop_waits_for_the_stopped_turn_and_replaces_it()
    {
        Inference.HoldReply = new TaskCompletionSource();
        using var session = NewSession();
        var replying = session.SendAsync("Tell me a long story", CancellationToken.None);
        await Eventually.TrueAsync(() => session.Messages[^1].Text.Length > 0, "the reply to start streaming");
        session.Stop();
        await replying;
        Inference.HoldReply = null;

        await session.RegenerateAsync(CancellationToken.None);

        Assert.True(Inference.Requests[1].ReplaceLastTurn);
        Assert.Equal(["Tell me a long story", "Hello, camper!"], await JournaledMessagesAsync(session.SessionId));
    }

    [Fact]
    public async Task Regenerate_of_a_reply_that_never_reached_the_journal_sends_the_message_as_a_new_turn()
    {
        using var session = NewSession();
        await session.SendAsync("Earlier", CancellationToken.None);
        Inference.Failures["Chat"] = new Status(StatusCode.Unavailable, "The model is still loading; try again in a moment.");
        await session.SendAsync("Hi", CancellationToken.None);
        Assert.Equal("Unavailable: The model is still loading; try again in a moment.", session.Messages[^1].Error);
        Inference.Failures.Clear();

        await session.RegenerateAsync(CancellationToken.None);

        Assert.False(Inference.Requests[^1].ReplaceLastTurn);
        Assert.Null(session.Messages[^1].Error);
        Assert.Equal(["Earlier", "Hello, camper!", "Hi", "Hello, camper!"], await JournaledMessagesAsync(session.SessionId));
    }

    [Fact]
    public async Task Regenerate_and_edit_need_a_whole_last_exchange_and_no_reply_in_progress()
    {
        using var session = NewSession();

        await session.RegenerateAsync(CancellationToken.None);
        await session.EditAndResendAsync("Anything", CancellationToken.None);
        Assert.Empty(Inference.Requests);

        Inference.HoldReply = new TaskCompletionSource();
        var replying = session.SendAsync("Hi", CancellationToken.None);
        await Eventually.TrueAsync(() => session.Messages[^1].Text.Length > 0, "the reply to start streaming");
        await session.RegenerateAsync(CancellationToken.None);
        await session.EditAndResendAsync("Other", CancellationToken.None);
        Inference.HoldReply.SetResult();
        await replying;

        Assert.Single(Inference.Requests);
    }

    [Fact]
    public async Task An_edit_to_blank_is_not_sent()
    {
        using var session = NewSession();
        await session.SendAsync("Hi", CancellationToken.None);

        await session.EditAndResendAsync("   ", CancellationToken.None);

        Assert.Single(Inference.Requests);
        Assert.Equal("Hi", session.Messages[0].Text);
    }
}
