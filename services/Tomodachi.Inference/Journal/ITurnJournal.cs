using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// The durable record of every finished turn: its measured stats and its texts. It feeds the web history
/// charts (<see cref="ListAsync"/>, <see cref="WatchAsync"/>), the status stream's message count and, later,
/// fine-tuning data sets.
/// </summary>
public interface ITurnJournal
{
    /// <summary>
    /// Records a finished turn as part of its session's conversation, its prompt unknown. When the task completes the
    /// turn is on disk and survives a crash of the process.
    /// </summary>
    /// <exception cref="ArgumentException">The turn has no stats, turn id, session id or start time.</exception>
    /// <exception cref="InvalidOperationException">A turn with the same turn id is already journaled.</exception>
    Task AppendAsync(Turn turn, CancellationToken ct);

    /// <summary>
    /// Records a finished turn with what its prompt was made of. A <paramref name="listed"/> turn becomes part of
    /// its session's conversation (created with the turn's message as title); a turn whose stats name a replaced
    /// turn marks that one replaced, in the same transaction.
    /// </summary>
    /// <exception cref="ArgumentException">The turn has no stats, turn id, session id or start time.</exception>
    /// <exception cref="InvalidOperationException">A turn with the same turn id is already journaled.</exception>
    Task AppendAsync(Turn turn, TurnPrompt prompt, bool listed, CancellationToken ct);

    /// <summary>One page of turns, newest (by start time) first.</summary>
    /// <exception cref="ArgumentException">
    /// Page size outside 0..500, a page token that is malformed or belongs to other filters, or since after until.
    /// </exception>
    Task<ListTurnsResponse> ListAsync(ListTurnsRequest request, CancellationToken ct);

    /// <summary>
    /// Every turn appended after this call, in append order. The subscription starts when the method is called,
    /// not at the first MoveNextAsync, so nothing appended in between is missed; it ends when the enumeration
    /// ends or <paramref name="ct"/> is cancelled. Each watcher has a bounded buffer: appends never wait for a
    /// slow watcher; one that falls behind by more than the buffer gets the buffered turns, then a
    /// <see cref="TurnWatcherFellBehindException"/>.
    /// </summary>
    IAsyncEnumerable<Turn> WatchAsync(CancellationToken ct);

    /// <summary>Number of turns journaled so far.</summary>
    Task<long> CountAsync(CancellationToken ct);

    /// <summary>Number of turns started at or after <paramref name="since"/> and before <paramref name="until"/>.</summary>
    Task<long> CountAsync(Google.Protobuf.WellKnownTypes.Timestamp since, Google.Protobuf.WellKnownTypes.Timestamp until, CancellationToken ct);

    /// <summary>
    /// Stores the owner's rating of a turn: <see cref="TurnRating.ThumbsUp"/>, <see cref="TurnRating.ThumbsDown"/>,
    /// or <see cref="TurnRating.None"/> to clear it. False when no turn has the id.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rating is none of the three.</exception>
    Task<bool> RateAsync(string turnId, int rating, CancellationToken ct);

    /// <summary>The ratings of the given turns (<see cref="TurnRating.None"/> when unrated); unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<string, int>> GetRatingsAsync(IReadOnlyCollection<string> turnIds, CancellationToken ct);

    /// <summary>The turns the query selects with their ratings, oldest (by start time) first.</summary>
    /// <exception cref="ArgumentException">since after until, or a limit below 1.</exception>
    IAsyncEnumerable<RatedTurn> ReadAsync(TurnQuery query, CancellationToken ct);
}
