using System.Text.RegularExpressions;
using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Chat;

/// <summary>
/// The conversation of one browser circuit: sends a message to InferenceService.Chat and appends the reply as
/// its deltas arrive, resumes an earlier conversation from the turn journal, and rates replies through
/// TuningService. A failed call becomes words on the line it concerns, never an exception in the UI.
/// </summary>
public sealed partial class ChatSession(InferenceService.InferenceServiceClient inference, TuningService.TuningServiceClient tuning)
    : IDisposable
{
    /// <summary>The newest turns a resumed conversation shows.</summary>
    public const int HistoryTurns = 50;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private readonly List<ChatMessage> messages = [];
    private readonly CancellationTokenSource lifetime = new();

    /// <summary>A conversation id the contract accepts: letters, digits and '-', at most 64 characters.</summary>
    public string SessionId { get; private set; } = "web-" + Guid.NewGuid().ToString("N");

    public IReadOnlyList<ChatMessage> Messages => messages;

    public bool IsReplying { get; private set; }

    /// <summary>Why the earlier conversation could not be shown, in words; null when it could.</summary>
    public string? HistoryError { get; private set; }

    /// <summary>The stats of the most recent reply of this conversation.</summary>
    public TurnStats? LastStats { get; private set; }

    /// <summary>Raised after every delta, when a reply finishes and when a rating changes.</summary>
    public event Action? Changed;

    /// <summary>True for an id <see cref="ResumeAsync"/> accepts: the contract's session id pattern.</summary>
    public static bool IsValidSessionId(string? sessionId) => sessionId is not null && SessionIdPattern().IsMatch(sessionId);

    /// <summary>
    /// Continues the conversation <paramref name="sessionId"/> (e.g. after a page reload): its newest turns from the
    /// journal become the lines of this session, with their stored ratings. Does nothing once this session has lines.
    /// </summary>
    public async Task ResumeAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!IsValidSessionId(sessionId) || messages.Count > 0 || IsReplying)
        {
            return;
        }

        SessionId = sessionId;
        using var linked = Linked(cancellationToken);
        try
        {
            var page = await inference.ListTurnsAsync(
                new ListTurnsRequest { SessionId = sessionId, PageSize = HistoryTurns }, cancellationToken: linked.Token);
            var history = new List<ChatMessage>();
            foreach (var turn in page.Turns.Reverse())
            {
                history.Add(new ChatMessage(ChatRole.User, turn.UserMessage));
                history.Add(new ChatMessage(ChatRole.Assistant, turn.Reply) { Stats = turn.Stats });
            }

            // Before anything typed while the history was on its way.
            messages.InsertRange(0, history);

            Changed?.Invoke();
            await LoadRatingsAsync(linked.Token);
        }
        catch (RpcException error) when (!linked.IsCancellationRequested)
        {
            HistoryError = "The earlier conversation could not be loaded: " + FeedStatus.Describe(error, "InferenceService.ListTurns");
        }

        Changed?.Invoke();
    }

    public async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message) || IsReplying)
        {
            return;
        }

        var reply = new ChatMessage(ChatRole.Assistant, "");
        messages.Add(new ChatMessage(ChatRole.User, message.Trim()));
        messages.Add(reply);
        IsReplying = true;
        Changed?.Invoke();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        try
        {
            using var call = inference.Chat(new ChatRequest { SessionId = SessionId, Message = message.Trim() }, cancellationToken: linked.Token);
            await foreach (var response in call.ResponseStream.ReadAllAsync(linked.Token))
            {
                if (response.EventCase == ChatResponse.EventOneofCase.Delta)
                {
                    reply.Append(response.Delta);
                }
                else if (response.EventCase == ChatResponse.EventOneofCase.Stats)
                {
                    reply.Stats = response.Stats;
                    // The service journals a turn before it sends the stats: a new turn is known and unrated.
                    reply.Rating = Rating.Cleared;
                    LastStats = response.Stats;
                }

                Changed?.Invoke();
            }
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
            IsReplying = false;
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Stores <paramref name="rating"/> on a finished reply; choosing the rating it already has clears it, so each
    /// thumb is a toggle. The line then shows what the service confirmed, or why it could not.
    /// </summary>
    public async Task RateAsync(ChatMessage reply, Rating rating, CancellationToken cancellationToken)
    {
        if (!reply.CanBeRated || reply.IsRating || rating is not (Rating.ThumbsUp or Rating.ThumbsDown))
        {
            return;
        }

        var wanted = reply.Rating == rating ? Rating.Cleared : rating;
        reply.IsRating = true;
        reply.RatingError = null;
        Changed?.Invoke();
        using var linked = Linked(cancellationToken);
        try
        {
            var stored = await tuning.RateTurnAsync(
                new RateTurnRequest { TurnId = reply.Stats!.TurnId, Rating = wanted }, cancellationToken: linked.Token);
            reply.Rating = stored.Rating;
        }
        catch (RpcException error)
        {
            reply.RatingError = "Rating not saved: " + FeedStatus.Describe(error, "TuningService.RateTurn");
        }
        finally
        {
            reply.IsRating = false;
        }

        Changed?.Invoke();
    }

    private async Task LoadRatingsAsync(CancellationToken cancellationToken)
    {
        var rateable = messages.Where(m => m.CanBeRated).ToList();
        if (rateable.Count == 0)
        {
            return;
        }

        try
        {
            var request = new GetRatingsRequest { TurnIds = { rateable.Select(m => m.Stats!.TurnId) } };
            var response = await tuning.GetRatingsAsync(request, cancellationToken: cancellationToken);
            foreach (var reply in rateable)
            {
                reply.Rating = response.Ratings.TryGetValue(reply.Stats!.TurnId, out var rating) ? rating : Rating.Unspecified;
            }
        }
        catch (RpcException error) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = "Stored rating unknown: " + FeedStatus.Describe(error, "TuningService.GetRatings");
            rateable.ForEach(reply => reply.RatingError = reason);
        }
    }

    private CancellationTokenSource Linked(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        linked.CancelAfter(CallTimeout);
        return linked;
    }

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SessionIdPattern();
}
