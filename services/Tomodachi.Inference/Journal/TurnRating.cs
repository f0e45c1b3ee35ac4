namespace Tomodachi.Inference.Journal;

/// <summary>
/// The values of the journal's <c>rating</c> column. Plain integers rather than the tuning contract's enum, so the
/// journal does not depend on the tuning service and a SQL reader can sum them.
/// </summary>
public static class TurnRating
{
    public const int ThumbsDown = -1;
    public const int None = 0;
    public const int ThumbsUp = 1;

    public static bool IsValid(int rating) => rating is ThumbsDown or None or ThumbsUp;
}

/// <summary>A journaled turn with its rating (<see cref="TurnRating"/>).</summary>
public sealed record RatedTurn(V1.Turn Turn, int Rating);

/// <summary>
/// Selects turns for <see cref="ITurnJournal.ReadAsync"/>. Null fields do not filter; <see cref="NewestLimit"/> keeps only
/// the newest turns of the selection, which are still returned oldest first.
/// </summary>
public sealed record TurnQuery(
    string? SessionId = null,
    Google.Protobuf.WellKnownTypes.Timestamp? Since = null,
    Google.Protobuf.WellKnownTypes.Timestamp? Until = null,
    int? NewestLimit = null);
