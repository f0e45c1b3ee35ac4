using System.Text.RegularExpressions;
using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Chat;

/// <summary>
/// The conversation of one browser circuit: sends a message to InferenceService.Chat and appends the reply as its
/// deltas arrive, stops it, regenerates the last reply or resends an edited last message (both replace the last
/// turn on the server), opens a conversation from the journal, and rates replies through TuningService. The server
/// keeps the conversation; this holds what the page shows — except in a private chat, whose lines live only here (see
/// ChatSession.Private.cs). A failed call becomes words on the line it concerns,
/// never an exception in the UI.
/// </summary>
public sealed partial class ChatSession(
    InferenceService.InferenceServiceClient inference,
    ConversationService.ConversationServiceClient conversations,
    TuningService.TuningServiceClient tuning) : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private readonly List<ChatMessage> messages = [];
    private readonly CancellationTokenSource lifetime = new();
    private CancellationTokenSource? replying;
    private Task replyFinished = Task.CompletedTask;

    /// <summary>A conversation id the contract accepts: letters, digits and '-', at most 64 characters.</summary>
    public string SessionId { get; private set; } = NewSessionId();

    public IReadOnlyList<ChatMessage> Messages => messages;

    public bool IsReplying { get; private set; }

    /// <summary>The persona sent with every message of this conversation; empty lets the orchestrator choose.</summary>
    public string Persona { get; set; } = "";

    /// <summary>Why the conversation could not be shown, in words; null when it could.</summary>
    public string? HistoryError { get; private set; }

    /// <summary>The stats of the most recent reply of this conversation.</summary>
    public TurnStats? LastStats { get; private set; }

    /// <summary>Raised after every delta, when a reply finishes and when a rating changes.</summary>
    public event Action? Changed;

    /// <summary>Raised when the journal has a new turn of this session, or the session became another conversation.</summary>
    public event Action? ConversationChanged;

    /// <summary>True for an id <see cref="OpenAsync"/> accepts: the contract's session id pattern.</summary>
    public static bool IsValidSessionId(string? sessionId) => sessionId is not null && SessionIdPattern().IsMatch(sessionId);

    /// <summary>The last message and its reply, when the conversation ends with a whole exchange.</summary>
    public (ChatMessage Message, ChatMessage Reply)? LastExchange =>
        messages is [.., { Role: ChatRole.User } message, { Role: ChatRole.Assistant } reply] ? (message, reply) : null;

    public Task SendAsync(string message, CancellationToken cancellationToken)
    {
        var text = message.Trim();
        if (text.Length == 0 || IsReplying)
        {
            return Task.CompletedTask;
        }

        messages.Add(new ChatMessage(ChatRole.User, text));
        return ReplyAsync(text, replaceLastTurn: false, cancellationToken);
    }

    /// <summary>Asks again for the last reply: the same message, replacing the last turn when the journal holds it.</summary>
    public async Task RegenerateAsync(CancellationToken cancellationToken)
    {
        if (IsReplying || LastExchange is not var (message, reply))
        {
            return;
        }

        var replace = await IsJournaledAsync(reply);
        messages.Remove(reply);
        await ReplyAsync(message.Text, replace, cancellationToken);
    }

    /// <summary>Sends an edited last message in place of the last one, with a new reply.</summary>
    public async Task EditAndResendAsync(string edited, CancellationToken cancellationToken)
    {
        var text = edited.Trim();
        if (text.Length == 0 || IsReplying || LastExchange is not var (message, reply))
        {
            return;
        }

        var replace = await IsJournaledAsync(reply);
        message.Replace(text);
        messages.Remove(reply);
        await ReplyAsync(text, replace, cancellationToken);
    }

    /// <summary>Stops the reply in progress: the call is cancelled, so the server ends generation and frees its slot.</summary>
    public void Stop() => replying?.Cancel();

    private async Task ReplyAsync(string text, bool replaceLastTurn, CancellationToken cancellationToken)
    {
        var reply = new ChatMessage(ChatRole.Assistant, "") { Private = IsPrivate };
        messages.Add(reply);
        IsReplying = true;
        var finished = new TaskCompletionSource();
        replyFinished = finished.Task;
        using var stop = new CancellationTokenSource();
        replying = stop;
        Changed?.Invoke();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token, stop.Token);
        var request = new ChatRequest { SessionId = SessionId, Message = text, Persona = Persona, ReplaceLastTurn = replaceLastTurn, PrivateChat = IsPrivate };
        if (IsPrivate)
        {
            request.History.Add(PrivateHistory());
        }

        try
        {
            using var call = inference.Chat(request, cancellationToken: linked.Token);
            await foreach (var response in call.ResponseStream.ReadAllAsync(linked.Token))
            {
                if (response.EventCase == ChatResponse.EventOneofCase.Delta)
                {
                    reply.Append(response.Delta);
                }
                else if (response.EventCase == ChatResponse.EventOneofCase.Stats)
                {
                    Finish(reply, response.Stats);
                }

                Changed?.Invoke();
            }
        }
        catch (Exception error) when (error is OperationCanceledException or RpcException && stop.IsCancellationRequested)
        {
            reply.Stopped = true;
        }
        catch (RpcException error) when (!linked.IsCancellationRequested)
        {
            reply.Error = FeedStatus.Describe(error, "InferenceService.Chat");
        }
        catch (Exception error) when (error is OperationCanceledException or RpcException && linked.IsCancellationRequested)
        {
            reply.Error = "Cancelled.";
        }
        finally
        {
            replying = null;
            IsReplying = false;
            finished.SetResult();
        }

        Changed?.Invoke();
        if (reply.Stopped && !IsPrivate)
        {
            TrackStopped(reply, text);
        }
        else if (reply.IsJournaled)
        {
            ConversationChanged?.Invoke();
        }
    }

    private void Finish(ChatMessage reply, TurnStats stats)
    {
        reply.Stats = stats;
        knownTurnIds.Add(stats.TurnId);
        // The service journals a turn before it sends the stats: a new turn is known and unrated.
        reply.Rating = Rating.Cleared;
        LastStats = stats;
    }

    private CancellationTokenSource Linked(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        linked.CancelAfter(CallTimeout);
        return linked;
    }

    private static string NewSessionId(string prefix = "web-") => prefix + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SessionIdPattern();
}
