using Tomodachi.Inference.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Alerts;

/// <summary>
/// What the rules measure, as Prometheus holds it: the turns the inference instruments recorded (by finish time), the
/// inference process's latest memory sample (none while the service is unreachable, as a failed scrape leaves none),
/// the memory store's counts over time, and the supervisor's services (none while the AppHost's /restarts is not
/// reachable).
/// </summary>
public sealed record AlertInputs(
    IReadOnlyList<TurnStats> Turns,
    ProcessMemory? Memory,
    IReadOnlyList<MemorySample> MemoryCounts,
    IReadOnlyList<ServiceRestartsView>? Restarts = null)
{
    /// <summary>max(tomodachi_service_crash_looping): 1 while a service crash-loops, null without the supervisor's list.</summary>
    public double? CrashLooping() =>
        Restarts is null || Restarts.Count == 0 ? null : Restarts.Max(s => s.IsCrashLooping ? 1.0 : 0.0);

    /// <summary>
    /// The mean of a per-turn figure over the turns finished in [now − window, now]: sum(rate(x_sum[w])) /
    /// sum(rate(x_count[w])) of a histogram that recorded that figure once per turn. Null without turns (NaN in PromQL).
    /// </summary>
    public double? MeanOverTurns(DateTimeOffset now, TimeSpan window, Func<TurnStats, bool> recorded, Func<TurnStats, double> figure)
    {
        var values = Turns.Where(t => InWindow(t.FinishedAt.ToDateTimeOffset(), now, window) && recorded(t)).Select(figure).ToList();
        return values.Count == 0 ? null : values.Average();
    }

    /// <summary>
    /// deriv() of the memory count over [now − window, now], per second: the least-squares slope of the samples.
    /// Null with fewer than two samples at different times.
    /// </summary>
    public double? MemoryCountSlope(DateTimeOffset now, TimeSpan window)
    {
        var points = MemoryCounts.Where(s => InWindow(s.At, now, window))
            .Select(s => (X: (s.At - now).TotalSeconds, Y: (double)s.Count)).ToList();
        if (points.Count < 2)
        {
            return null;
        }

        var (meanX, meanY) = (points.Average(p => p.X), points.Average(p => p.Y));
        var spread = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        return spread == 0 ? null : points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / spread;
    }

    private static bool InWindow(DateTimeOffset at, DateTimeOffset now, TimeSpan window) => at >= now - window && at <= now;
}
