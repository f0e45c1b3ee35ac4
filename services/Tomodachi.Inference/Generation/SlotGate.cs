using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Generation;

/// <summary>
/// Hands out the decode slots (one KV-cache sequence each) with a bounded wait queue in front of them. A full queue
/// refuses at once rather than letting chats pile up. Of the idle slots, a caller gets the one whose cache shares the
/// longest prefix with its prompt, else the least recently used one, as llama-server picks its slots.
/// </summary>
public sealed class SlotGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly List<int> _free;
    private readonly long[] _releasedAt;
    private long _releases;
    private readonly int _queueCapacity;
    private int _waiting;

    public SlotGate(IOptions<InferenceOptions> options)
    {
        ParallelSlots = options.Value.ParallelSlots;
        _queueCapacity = options.Value.QueueCapacity;
        _slots = new SemaphoreSlim(ParallelSlots, ParallelSlots);
        _free = [.. Enumerable.Range(0, ParallelSlots)];
        _releasedAt = new long[ParallelSlots];
    }

    public int ParallelSlots { get; }
    public int BusySlots => ParallelSlots - _slots.CurrentCount;
    public int QueueDepth => Volatile.Read(ref _waiting);

    /// <summary>Raised when a slot is taken or freed, or the queue changes.</summary>
    public event Action? Changed;

    /// <summary>Waits for any free slot; throws <see cref="QueueFullException"/> when the wait queue is full.</summary>
    public Task<Slot> AcquireAsync(CancellationToken cancellationToken) => AcquireAsync(null, cancellationToken);

    /// <summary>Waits for the free slot that suits <paramref name="affinity"/> best; see the overload below.</summary>
    public Task<Slot> AcquireAsync(Func<int, int>? affinity, CancellationToken cancellationToken) =>
        AcquireAsync(affinity, admitted: false, cancellationToken);

    /// <summary>Waits for a free slot; throws <see cref="QueueFullException"/> when the wait queue is full.</summary>
    /// <param name="affinity">
    /// How well each slot suits the caller (the cached prefix it shares with the prompt); the highest wins, ties go to
    /// the slot idle longest. Null when any slot will do.
    /// </param>
    /// <param name="admitted">
    /// The turn already went through the queue for an earlier step (its orchestrator) and comes back for its reply:
    /// it waits like the others but is never refused, since refusing a turn half-way would waste the work it did.
    /// </param>
    public async Task<Slot> AcquireAsync(Func<int, int>? affinity, bool admitted, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0))
        {
            if (Interlocked.Increment(ref _waiting) > _queueCapacity && !admitted)
            {
                Interlocked.Decrement(ref _waiting);
                throw new QueueFullException(ParallelSlots, _queueCapacity);
            }

            Changed?.Invoke();
            try
            {
                await _slots.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        int index;
        lock (_free)
        {
            index = _free.MaxBy(slot => (affinity?.Invoke(slot) ?? 0, -_releasedAt[slot]));
            _free.Remove(index);
        }

        Changed?.Invoke();
        return new Slot(this, index);
    }

    private void Release(int index)
    {
        lock (_free)
        {
            _releasedAt[index] = ++_releases;
            _free.Add(index);
        }

        _slots.Release();
        Changed?.Invoke();
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>A held slot; disposing frees it at once.</summary>
    public sealed class Slot(SlotGate gate, int index) : IDisposable
    {
        private int _disposed;

        public int Index { get; } = index;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Release(Index);
            }
        }
    }
}

/// <summary>Every slot is busy and the wait queue is full.</summary>
public sealed class QueueFullException(int slots, int queueCapacity)
    : Exception($"All {slots} chat slots are busy and {queueCapacity} chats are already waiting; retry in a few seconds.")
{
    /// <summary>A suggested wait before retrying.</summary>
    public TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(2);
}
