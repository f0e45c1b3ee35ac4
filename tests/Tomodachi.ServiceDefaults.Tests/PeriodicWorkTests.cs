using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Tomodachi.ServiceDefaults.Tests;

/// <summary>The loop the samplers and retention sweeps share: at start-up, then per tick, past a failed run.</summary>
public sealed class PeriodicWorkTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Runs_at_start_up_then_once_per_tick_and_goes_on_after_a_failed_run()
    {
        var time = new FakeTimeProvider();
        using var work = new CountedWork(time, Interval, failOnRun: 2);
        await work.StartAsync(CancellationToken.None);

        Assert.Equal(1, await work.Runs.ReadAsync().AsTask().WaitAsync(Bound));
        time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.False(work.Runs.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await work.Runs.ReadAsync().AsTask().WaitAsync(Bound)); // This run throws.
        time.Advance(Interval);
        Assert.Equal(3, await work.Runs.ReadAsync().AsTask().WaitAsync(Bound));

        await work.StopAsync(CancellationToken.None);
        Assert.True(work.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Does_nothing_without_an_interval()
    {
        using var work = new CountedWork(new FakeTimeProvider(), interval: null, failOnRun: 0);
        await work.StartAsync(CancellationToken.None);
        await work.ExecuteTask!.WaitAsync(Bound);

        Assert.False(work.Runs.TryRead(out _));
    }

    private sealed class CountedWork(TimeProvider time, TimeSpan? interval, int failOnRun)
        : PeriodicWork(time, interval, NullLogger.Instance)
    {
        private readonly Channel<int> runs = Channel.CreateUnbounded<int>();
        private int count;

        public ChannelReader<int> Runs => runs.Reader;

        protected override Task RunOnceAsync(CancellationToken cancellationToken)
        {
            var run = ++count;
            runs.Writer.TryWrite(run);
            return run == failOnRun ? Task.FromException(new IOException("disk full")) : Task.CompletedTask;
        }
    }
}
