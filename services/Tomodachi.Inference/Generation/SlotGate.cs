using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Generation;

/// <summary>
/// Hands out the decode slots (one KV-cache sequence each) with a bounded wait queue in front of them. A full queue
/// refuses at once rather than letting chats pile up.
/// </summary>
public sealed class SlotGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly Stack<int> _free;
    private readonly int _queueCapacity;
    private int _waiting;

    public SlotGate(IOptions<InferenceOptions> options)
    {
        ParallelSlots = options.Value.ParallelSlots;
        _queueCapacity = options.Value.QueueCapacity;
        _slots = new SemaphoreSlim(ParallelSlots, ParallelSlots);
        _free = new Stack<int>(Enumerable.Range(0, ParallelSlots).Reverse());
    }

    public int ParallelSlots { get; }
    public int BusySlots => ParallelSlots - _slots.CurrentCount;
    public int QueueDepth => Volatile.Read(ref _waiting);

    /// <summary>Raised when a slot is taken or freed, or the queue changes.</summary>
    public event Action? Changed;

    /// <summary>Waits for a free slot; throws <see cref="QueueFullException"/> when the wait queue is full.</summary>
    public async Task<Slot> AcquireAsync(CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0))
        {
            if (Interlocked.Increment(ref _waiting) > _queueCapacity)
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
            index = _free.Pop();
        }

        Changed?.Invoke();
        return new Slot(this, index);
    }

    private void Release(int index)
    {
        lock (_free)
        {
            _free.Push(index);
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
