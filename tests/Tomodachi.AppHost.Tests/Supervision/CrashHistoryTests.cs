using Microsoft.Extensions.Time.Testing;
using Tomodachi.AppHost.Supervision;

namespace Tomodachi.AppHost.Tests.Supervision;

public sealed class CrashHistoryTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));

    private CrashHistory History(int maxFailures = 5, int maxBackoffSeconds = 30, int windowSeconds = 300) => new(new RestartPolicyOptions
    {
        InitialBackoff = TimeSpan.FromSeconds(1),
        MaxBackoff = TimeSpan.FromSeconds(maxBackoffSeconds),
        MaxFailures = maxFailures,
        FailureWindow = TimeSpan.FromSeconds(windowSeconds),
    }, time);

    [Fact]
    public void Each_failure_inside_the_window_doubles_the_delay_from_the_initial_backoff()
    {
        var history = History(maxFailures: 10);

        var delays = Enumerable.Range(0, 5).Select(_ =>
        {
            time.Advance(TimeSpan.FromSeconds(3));
            return history.RecordFailure().Delay.TotalSeconds;
        }).ToList();

        Assert.Equal([1, 2, 4, 8, 16], delays);
    }

    [Fact]
    public void The_delay_never_exceeds_the_maximum_backoff()
    {
        var history = History(maxFailures: 100, maxBackoffSeconds: 5);

        var delays = Enumerable.Range(0, 70).Select(_ => history.RecordFailure().Delay).ToList();

        Assert.Equal(TimeSpan.FromSeconds(4), delays[2]);
        Assert.All(delays.Skip(3), delay => Assert.Equal(TimeSpan.FromSeconds(5), delay));
    }

    [Fact]
    public void The_max_failures_th_failure_inside_the_window_is_a_crash_loop_and_the_ones_before_are_restarts()
    {
        var history = History(maxFailures: 3);

        var first = history.RecordFailure();
        var second = history.RecordFailure();
        var third = history.RecordFailure();

        Assert.False(first.CrashLooping);
        Assert.False(second.CrashLooping);
        Assert.True(third.CrashLooping);
        Assert.Equal(3, third.FailuresInWindow);
        Assert.Equal(TimeSpan.Zero, third.Delay);
    }

    [Fact]
    public void Failures_older_than_the_window_no_longer_count_so_the_backoff_starts_over()
    {
        var history = History(maxFailures: 3, windowSeconds: 60);
        history.RecordFailure();
        history.RecordFailure();

        time.Advance(TimeSpan.FromSeconds(60));
        var later = history.RecordFailure();

        Assert.False(later.CrashLooping);
        Assert.Equal(1, later.FailuresInWindow);
        Assert.Equal(TimeSpan.FromSeconds(1), later.Delay);
    }

    [Fact]
    public void A_failure_just_inside_the_window_still_counts()
    {
        var history = History(maxFailures: 2, windowSeconds: 60);
        history.RecordFailure();

        time.Advance(TimeSpan.FromSeconds(59));

        Assert.True(history.RecordFailure().CrashLooping);
    }

    [Fact]
    public void Clear_forgets_the_failures_after_someone_starts_the_service_by_hand()
    {
        var history = History(maxFailures: 2);
        history.RecordFailure();

        history.Clear();
        var next = history.RecordFailure();

        Assert.False(next.CrashLooping);
        Assert.Equal(TimeSpan.FromSeconds(1), next.Delay);
    }
}
