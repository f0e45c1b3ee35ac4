using System.Runtime.CompilerServices;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Models;
using Tomodachi.Models.Download;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Monitoring;

/// <summary>One look at the service.</summary>
public sealed record StatusSnapshot(
    ModelDescription Model,
    ProcessMemorySample Memory,
    int QueueDepth,
    int BusySlots,
    int ParallelSlots,
    long MessageCount,
    TurnStats? LastTurn,
    ModelDownloadSnapshot? Download,
    DateTimeOffset ObservedAt,
    JournalRetentionStatus Retention);

/// <summary>
/// Collects what the status stream shows and wakes watchers on every change: model loaded or unloaded, a slot taken
/// or freed, a turn finished, a retention sweep done, a new memory sample. The memory figures are <see cref="ProcessMemorySampler"/>'s latest
/// sample, the one process.memory.usage reports on /metrics, never a reading of their own.
/// </summary>
public sealed class StatusBoard : IDisposable
{
    /// <summary>Watchers get a snapshot at least this often, even when nothing changed.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(3);

    private readonly IModelManager _models;
    private readonly SlotGate _slots;
    private readonly ITurnJournal _journal;
    private readonly IModelDownloadProgress _downloads;
    private readonly ProcessMemorySampler _memory;
    private readonly TimeProvider _time;
    private readonly JournalRetentionStatus _retention;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TurnStats? _lastTurn;

    public StatusBoard(
        IModelManager models, SlotGate slots, ITurnJournal journal, IModelDownloadProgress downloads, ProcessMemorySampler memory,
        JournalRetentionStatus retention, TimeProvider time)
    {
        _retention = retention;
        _downloads = downloads;
        _memory = memory;
        _models = models;
        _slots = slots;
        _journal = journal;
        _time = time;
        _models.Changed += Signal;
        _slots.Changed += Signal;
        _memory.Sampled += OnSampled;
        _retention.Swept += Signal;
    }

    public void TurnFinished(TurnStats stats)
    {
        Volatile.Write(ref _lastTurn, stats);
        Signal();
    }

    /// <summary>The status now; the message count is the journal's, so it survives restarts.</summary>
    public async Task<StatusSnapshot> SnapshotAsync(CancellationToken cancellationToken) => new(
        _models.Describe(),
        _memory.Current,
        _slots.QueueDepth,
        _slots.BusySlots,
        _slots.ParallelSlots,
        await _journal.CountAsync(cancellationToken),
        Volatile.Read(ref _lastTurn),
        _downloads.Current,
        _time.GetUtcNow(),
        _retention);

    /// <summary>
    /// A snapshot now, then after every change and at least every <see cref="HeartbeatInterval"/> (which is also how a
    /// running download's progress reaches watchers).
    /// </summary>
    public async IAsyncEnumerable<StatusSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = Volatile.Read(ref _changed).Task;
            yield return await SnapshotAsync(cancellationToken);
            var heartbeat = Task.Delay(HeartbeatInterval, _time, cancellationToken);
            await Task.WhenAny(changed, heartbeat);
        }
    }

    private void OnSampled(ProcessMemorySample sample) => Signal();

    private void Signal() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Dispose()
    {
        _models.Changed -= Signal;
        _slots.Changed -= Signal;
        _memory.Sampled -= OnSampled;
        _retention.Swept -= Signal;
    }
}
