using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Tomodachi.Memory.Memories;

/// <summary>Tells every stats watcher that the store changed. Bursts of changes collapse into one signal.</summary>
public sealed class MemoryChangeFeed(TimeProvider time)
{
    private readonly ConcurrentDictionary<Subscription, byte> subscriptions = new();

    public void Publish()
    {
        foreach (var subscription in subscriptions.Keys)
        {
            subscription.Signal();
        }
    }

    public Subscription Subscribe()
    {
        var subscription = new Subscription(this, time);
        subscriptions[subscription] = 0;
        return subscription;
    }

    public sealed class Subscription : IDisposable
    {
        private readonly MemoryChangeFeed feed;
        private readonly TimeProvider time;
        private readonly Channel<bool> changes = Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

        internal Subscription(MemoryChangeFeed feed, TimeProvider time)
        {
            this.feed = feed;
            this.time = time;
        }

        internal void Signal() => changes.Writer.TryWrite(true);

        /// <summary>
        /// Returns at the next change, or once <paramref name="interval"/> has passed since <paramref name="since"/>,
        /// whichever comes first.
        /// </summary>
        public async Task WaitAsync(DateTimeOffset since, TimeSpan interval, CancellationToken cancellationToken)
        {
            var remaining = since + interval - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(remaining, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await changes.Reader.ReadAsync(either.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The interval passed without a change.
            }
        }

        public void Dispose() => feed.subscriptions.TryRemove(this, out _);
    }
}
