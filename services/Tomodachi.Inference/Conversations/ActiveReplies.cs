namespace Tomodachi.Inference.Conversations;

/// <summary>
/// The replies in progress per conversation, so that deleting a conversation (or everything) first stops its replies and
/// waits until each has been journaled: nothing of a deleted conversation is written after the delete.
/// </summary>
public sealed class ActiveReplies
{
    private readonly Dictionary<string, List<Reply>> _bySession = new(StringComparer.Ordinal);

    /// <summary>Registers a reply; dispose the result when its turn is recorded.</summary>
    public Reply Begin(string sessionId, CancellationToken cancellationToken)
    {
        var reply = new Reply(this, sessionId, cancellationToken);
        lock (_bySession)
        {
            if (!_bySession.TryGetValue(sessionId, out var replies))
            {
                _bySession[sessionId] = replies = [];
            }

            replies.Add(reply);
        }

        return reply;
    }

    /// <summary>True while the conversation has a reply in progress.</summary>
    public bool IsReplying(string sessionId)
    {
        lock (_bySession)
        {
            return _bySession.ContainsKey(sessionId);
        }
    }

    /// <summary>Cancels the conversation's replies and waits until each has finished recording.</summary>
    public Task StopAsync(string sessionId) =>
        StopAsync(bySession => bySession.TryGetValue(sessionId, out var replies) ? [.. replies] : []);

    /// <summary>Cancels every reply in progress, of every conversation and none, and waits until each has finished recording.</summary>
    public Task StopAllAsync() => StopAsync(bySession => [.. bySession.Values.SelectMany(replies => replies)]);

    private async Task StopAsync(Func<Dictionary<string, List<Reply>>, List<Reply>> select)
    {
        List<Reply> stopping;
        lock (_bySession)
        {
            stopping = select(_bySession);
        }

        foreach (var reply in stopping)
        {
            await reply.CancelAsync();
        }

        await Task.WhenAll(stopping.Select(r => r.Finished));
    }

    private void Remove(Reply reply)
    {
        lock (_bySession)
        {
            if (_bySession.TryGetValue(reply.SessionId, out var replies) && replies.Remove(reply) && replies.Count == 0)
            {
                _bySession.Remove(reply.SessionId);
            }
        }
    }

    /// <summary>One reply in progress: its token is cancelled by the caller or by a delete of its conversation.</summary>
    public sealed class Reply : IDisposable
    {
        private readonly ActiveReplies _owner;
        private readonly CancellationTokenSource _cancellation;
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Reply(ActiveReplies owner, string sessionId, CancellationToken cancellationToken)
        {
            _owner = owner;
            SessionId = sessionId;
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        public string SessionId { get; }

        public CancellationToken Token => _cancellation.Token;

        internal Task Finished => _finished.Task;

        internal async Task CancelAsync()
        {
            try
            {
                await _cancellation.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The reply finished between the snapshot and the cancel: nothing left to stop.
            }
        }

        public void Dispose()
        {
            _owner.Remove(this);
            _finished.TrySetResult();
            _cancellation.Dispose();
        }
    }
}
