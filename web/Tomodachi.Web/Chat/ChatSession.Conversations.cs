using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Chat;

/// <summary>Which conversation the session is: a new one, or one opened from the journal.</summary>
public sealed partial class ChatSession
{
    // Counts switches, so the answer to an earlier GetConversation never fills in a later conversation.
    private int opened;

    /// <summary>
    /// Makes <paramref name="sessionId"/> this session's conversation (a switch in the sidebar, or a reload of the tab):
    /// a reply in progress is stopped, then the conversation's turns (replaced ones left out) come from the journal
    /// with their ratings and its persona. A session id the journal does not know yet is a conversation without turns.
    /// </summary>
    public async Task OpenAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!IsValidSessionId(sessionId))
        {
            return;
        }

        var generation = await SwitchToAsync(sessionId, isPrivate: false);
        using var linked = Linked(cancellationToken);
        try
        {
            var response = await conversations.GetConversationAsync(
                new GetConversationRequest { SessionId = sessionId }, cancellationToken: linked.Token);
            if (generation != opened)
            {
                return;
            }

            Persona = response.Conversation.Persona;
            var history = new List<ChatMessage>();
            foreach (var turn in response.Turns)
            {
                history.Add(new ChatMessage(ChatRole.User, turn.UserMessage));
                history.Add(new ChatMessage(ChatRole.Assistant, turn.Reply) { Stats = turn.Stats, Stopped = turn.Stats.StopReason == StopReason.Cancelled });
                knownTurnIds.Add(turn.Stats.TurnId);
            }

            // Before anything typed while the conversation was on its way.
            messages.InsertRange(0, history);
            Changed?.Invoke();
            await LoadRatingsAsync(linked.Token);
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.NotFound)
        {
            // Nothing journaled under this id yet (a tab reloaded before its first reply): an empty conversation.
        }
        catch (RpcException error) when (!linked.IsCancellationRequested && generation == opened)
        {
            HistoryError = "The conversation could not be loaded: " + FeedStatus.Describe(error, "ConversationService.GetConversation");
        }

        Changed?.Invoke();
    }

    /// <summary>Starts a new conversation under a fresh session id, stopping a reply in progress. The persona stays as chosen.</summary>
    public async Task StartNewAsync() => await SwitchToAsync(NewSessionId(), isPrivate: false);

    private async Task<int> SwitchToAsync(string sessionId, bool isPrivate)
    {
        if (IsReplying)
        {
            Stop();
            await replyFinished;
        }

        var generation = ++opened;
        SessionId = sessionId;
        // Before the events below: a listener that saves the conversation id must already see that it is private.
        IsPrivate = isPrivate;
        messages.Clear();
        HistoryError = null;
        LastStats = null;
        ConversationChanged?.Invoke();
        Changed?.Invoke();
        return generation;
    }
}
