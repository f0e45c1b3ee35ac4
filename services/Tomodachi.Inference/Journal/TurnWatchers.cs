using System.Threading.Channels;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// Fans each appended turn out to every watcher, each through its own bounded channel. Publishing never waits:
/// a watcher whose buffer is full is completed with <see cref="TurnWatcherFellBehindException"/> and dropped.
/// </summary>
internal sealed class TurnWatchers(int bufferSize)
{
    private readonly Lock gate = new();
    private readonly List<Channel<Turn>> watchers = [];

    public Channel<Turn> Subscribe()
    {
        var channel = Channel.CreateBounded<Turn>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        lock (gate)
        {
            watchers.Add(channel);
        }

        return channel;
    }

    public void Unsubscribe(Channel<Turn> channel)
    {
        lock (gate)
        {
            watchers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>Callers publish one at a time (under the journal's write lock), which keeps every watcher in append order.</summary>
    public void Publish(Turn turn)
    {
        lock (gate)
        {
            for (var i = watchers.Count - 1; i >= 0; i--)
            {
                // Each watcher gets its own copy: a caller mutating what it received must not affect the others.
                if (!watchers[i].Writer.TryWrite(turn.Clone()))
                {
                    watchers[i].Writer.TryComplete(new TurnWatcherFellBehindException(bufferSize));
                    watchers.RemoveAt(i);
                }
            }
        }
    }
}
