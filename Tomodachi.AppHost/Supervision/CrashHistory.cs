namespace Tomodachi.AppHost.Supervision;

/// <summary>What to do about one unasked-for exit.</summary>
/// <param name="CrashLooping">True: give up, the service stays down until someone starts it.</param>
/// <param name="Delay">How long to wait before starting it again (zero when crash-looping).</param>
/// <param name="FailuresInWindow">This failure and the earlier ones still inside the window.</param>
public sealed record RestartDecision(bool CrashLooping, TimeSpan Delay, int FailuresInWindow);

/// <summary>
/// One service's recent failures and the restart policy over them: exponential backoff that resets as failures age
/// out of the window, and a crash loop once too many fall inside it. Not thread-safe: the supervisor calls it from
/// its one notification loop.
/// </summary>
public sealed class CrashHistory(RestartPolicyOptions options, TimeProvider time)
{
    private readonly Queue<DateTimeOffset> failures = new();

    public RestartDecision RecordFailure()
    {
        var now = time.GetUtcNow();
        while (failures.TryPeek(out var oldest) && now - oldest >= options.FailureWindow)
        {
            failures.Dequeue();
        }

        failures.Enqueue(now);
        if (failures.Count >= options.MaxFailures)
        {
            return new RestartDecision(true, TimeSpan.Zero, failures.Count);
        }

        // In doubles: InitialBackoff × 2ⁿ overflows long ticks long before the cap matters.
        var ticks = Math.Min(options.MaxBackoff.Ticks, options.InitialBackoff.Ticks * Math.Pow(2, failures.Count - 1));
        return new RestartDecision(false, TimeSpan.FromTicks((long)ticks), failures.Count);
    }

    /// <summary>A start someone asked for begins a fresh history.</summary>
    public void Clear() => failures.Clear();
}
