using Grpc.Core;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Chat;

/// <summary>Ratings of replies, stored with their turns through TuningService.</summary>
public sealed partial class ChatSession
{
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
}
