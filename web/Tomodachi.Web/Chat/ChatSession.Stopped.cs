using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Chat;

/// <summary>
/// What became of a stopped reply. The server journals a stopped turn (stop reason cancelled) once generation has
/// noticed the cancel, a moment after the call ended for this side; a reply stopped before generation began is not
/// journaled at all. Which one happened decides whether a regenerate or an edit must replace the last turn, so the
/// session looks for the turn in the journal for a few seconds after a stop.
/// </summary>
public sealed partial class ChatSession
{
    private const int StoppedTurnLookups = 20;
    private static readonly TimeSpan StoppedTurnLookupInterval = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<ChatMessage, Task> stoppedTurnLookups = [];
    // Turns this session has shown, so a lookup never takes an older turn with the same message for the stopped one.
    private readonly HashSet<string> knownTurnIds = [];

    private void TrackStopped(ChatMessage reply, string message) =>
        stoppedTurnLookups[reply] = FindStoppedTurnAsync(reply, SessionId, message);

    /// <summary>True when the journal holds the reply's turn; for a stopped reply, once the lookup has decided.</summary>
    private async Task<bool> IsJournaledAsync(ChatMessage reply)
    {
        if (!reply.IsJournaled && stoppedTurnLookups.TryGetValue(reply, out var lookup))
        {
            await lookup;
        }

        return reply.IsJournaled;
    }

    private async Task FindStoppedTurnAsync(ChatMessage reply, string sessionId, string message)
    {
        try
        {
            for (var attempt = 0; attempt < StoppedTurnLookups; attempt++)
            {
                using var linked = Linked(CancellationToken.None);
                var newest = await inference.ListTurnsAsync(
                    new ListTurnsRequest { SessionId = sessionId, PageSize = 5 }, cancellationToken: linked.Token);
                if (newest.Turns.FirstOrDefault(t => t.UserMessage == message && !knownTurnIds.Contains(t.Stats.TurnId)) is { } turn)
                {
                    reply.Stats = turn.Stats;
                    reply.Rating = Rating.Cleared;
                    knownTurnIds.Add(turn.Stats.TurnId);
                    Changed?.Invoke();
                    ConversationChanged?.Invoke();
                    return;
                }

                await Task.Delay(StoppedTurnLookupInterval, lifetime.Token);
            }
        }
        catch (Exception error) when (error is RpcException or OperationCanceledException)
        {
            // The journal cannot say, or the tab closed: the reply counts as not journaled, and a regenerate sends it anew.
        }
        finally
        {
            stoppedTurnLookups.Remove(reply);
        }
    }
}
