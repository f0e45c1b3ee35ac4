using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.Tuning.Memory;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Findings;

/// <summary>The memory-store samples of a findings window and the turns journaled between its first and last sample.</summary>
public sealed record MemoryGrowthWindow(IReadOnlyList<MemoryStatsSample> Samples, long TurnsInWindow);

/// <summary>
/// "Memory growing faster than expected": every chat turn stores its message and its reply, so the memories added
/// in a window should be about <see cref="TuningOptions.ExpectedMemoriesPerTurn"/> times the turns journaled in it.
/// Far more means ingestion stores too much (duplicates, notes per token...).
/// </summary>
internal sealed class MemoryGrowthCheck(TuningOptions limits)
{
    private const string Name = "Memory growth (ingestion)";

    /// <summary>A finding, or the reason the check could not run, or neither when growth is as expected.</summary>
    /// <param name="window">Null when the findings are for one session: the store is shared by every session.</param>
    public (Finding? Finding, string? Unavailable) Judge(MemoryGrowthWindow? window)
    {
        if (window is null)
        {
            return (null, $"{Name}: not judged for one session_id; the memory store is shared by every session.");
        }

        var samples = window.Samples;
        if (samples.Count < limits.MinMemorySamples)
        {
            return (null, $"{Name}: {samples.Count} of {limits.MinMemorySamples} samples of the memory service's stats in the window "
                + $"(one every {limits.MemorySampleInterval}, none while the memory service is down).");
        }

        var increases = new List<double>(samples.Count - 1);
        for (var i = 1; i < samples.Count; i++)
        {
            // A switch of store (embedded <-> Qdrant) changes the count without anything being stored.
            increases.Add(samples[i].Backend == samples[i - 1].Backend ? Math.Max(0, samples[i].Count - samples[i - 1].Count) : 0);
        }

        var added = (long)increases.Sum();
        var expected = Math.Max(window.TurnsInWindow, limits.MinTurns) * limits.ExpectedMemoriesPerTurn;
        var ratio = added / expected;
        if (ratio <= limits.MemoryGrowthFactor)
        {
            return (null, null);
        }

        var (first, last) = (samples[0], samples[^1]);
        var bytesPerMemory = last.Count > 0 ? (double)last.SizeBytes / last.Count : 0;
        var evidence = new Evidence
        {
            Metric = "memory_count",
            Unit = "memories",
            TurnsConsidered = (uint)window.TurnsInWindow,
            Mean = Statistics.Mean(increases),
            Stddev = Statistics.StandardDeviation(increases),
            Threshold = limits.MemoryGrowthFactor,
            Observed = ratio,
            MemoriesAdded = (ulong)added,
            ExpectedMemories = expected,
            WindowStart = Timestamp.FromDateTimeOffset(first.At),
            WindowEnd = Timestamp.FromDateTimeOffset(last.At),
            BytesPerMemory = bytesPerMemory,
            SamplesConsidered = (uint)samples.Count,
        };
        return (new Finding
        {
            Kind = FindingKind.MemoryGrowingFast,
            Severity = ratio >= 2 * limits.MemoryGrowthFactor ? Severity.Critical : Severity.Warning,
            Title = $"Memory grew by {added} memories in {Format((last.At - first.At).TotalHours)} h while {window.TurnsInWindow} turns were journaled: "
                + $"{Format(ratio)} times the expected {Format(expected)}",
            Evidence = evidence,
            SuggestedAction = $"Review ingestion (duplicates? notes stored per token?): a turn should add about {Format(limits.ExpectedMemoriesPerTurn)} "
                + $"memories (the message and the reply); the store holds {last.Count} at {Format(bytesPerMemory)} bytes each.",
        }, null);
    }

    private static string Format(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
