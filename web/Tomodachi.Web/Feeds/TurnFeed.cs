using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Feeds;

/// <summary>
/// The recent turns for the history charts: the newest page of InferenceService.ListTurns on connect, then
/// every turn from WatchTurns as it finishes.
/// </summary>
public sealed class TurnFeed(
    InferenceService.InferenceServiceClient client,
    TimeProvider time,
    IOptions<FeedOptions> options,
    ILogger<TurnFeed> logger)
    : StreamFeed<TurnStats>(time, options, logger)
{
    private readonly int capacity = options.Value.TurnHistory;
    private readonly Lock gate = new();
    private readonly LinkedList<TurnStats> recent = new();

    /// <summary>The last turns, oldest first.</summary>
    public IReadOnlyList<TurnStats> Recent
    {
        get
        {
            lock (gate)
            {
                return [.. recent];
            }
        }
    }

    protected override string RpcName => "InferenceService.ListTurns and WatchTurns";

    protected override async IAsyncEnumerable<TurnStats> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe before listing, so a turn finishing in between is not lost; OnReceived drops the duplicate.
        using var call = client.WatchTurns(new WatchTurnsRequest(), cancellationToken: cancellationToken);
        var page = await client.ListTurnsAsync(new ListTurnsRequest { PageSize = (uint)capacity }, cancellationToken: cancellationToken);
        foreach (var turn in page.Turns.Reverse())
        {
            yield return turn.Stats;
        }

        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (response.Turn?.Stats is { } stats)
            {
                yield return stats;
            }
        }
    }

    protected override void OnReceived(TurnStats message, DateTimeOffset receivedAt)
    {
        lock (gate)
        {
            if (recent.Any(t => t.TurnId == message.TurnId))
            {
                return;
            }

            recent.AddLast(message);
            if (recent.Count > capacity)
            {
                recent.RemoveFirst();
            }
        }
    }
}
