using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Alerts;

/// <summary>
/// The turns finished within the rules' longest window over turns, each once (the turn feed lists the newest page
/// again after every reconnect). Older turns are dropped as new ones arrive and at every snapshot.
/// </summary>
public sealed class TurnWindow(TimeSpan retention)
{
    private readonly Dictionary<string, TurnStats> turns = [];
    private readonly Lock gate = new();

    public void Add(TurnStats turn)
    {
        lock (gate)
        {
            turns[turn.TurnId] = turn;
        }
    }

    /// <summary>The turns finished at or after <paramref name="now"/> minus the retention.</summary>
    public IReadOnlyList<TurnStats> Snapshot(DateTimeOffset now)
    {
        lock (gate)
        {
            foreach (var old in turns.Values.Where(t => t.FinishedAt.ToDateTimeOffset() < now - retention).ToList())
            {
                turns.Remove(old.TurnId);
            }

            return [.. turns.Values];
        }
    }
}
