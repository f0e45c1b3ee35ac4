using System.Text;

namespace Tomodachi.Inference.Generation;

/// <summary>
/// The caller's stop sequences for one generation: finds the first one in the growing reply and says how much of
/// the reply's end must be held back from streaming because a stop sequence could still be completing there.
/// </summary>
public sealed class StopSequences(IReadOnlyList<string> stops)
{
    private readonly int _longest = stops.Count == 0 ? 0 : stops.Max(s => s.Length);
    private int _searchedTo;

    /// <summary>Characters at the end of the reply that may be the start of a stop sequence.</summary>
    public int HoldBack => Math.Max(0, _longest - 1);

    /// <summary>
    /// Cuts <paramref name="text"/> before the earliest stop sequence in it and returns true, or returns false when
    /// none appears. Only the part that could hold a new occurrence is searched, so each step costs the length of the
    /// new text plus the longest stop sequence.
    /// </summary>
    public bool Cut(StringBuilder text)
    {
        if (_longest == 0)
        {
            return false;
        }

        var from = Math.Max(0, _searchedTo - HoldBack);
        var tail = text.ToString(from, text.Length - from);
        _searchedTo = text.Length;
        var earliest = -1;
        foreach (var stop in stops)
        {
            var at = tail.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (earliest < 0 || at < earliest))
            {
                earliest = at;
            }
        }

        if (earliest < 0)
        {
            return false;
        }

        text.Length = from + earliest;
        return true;
    }
}
