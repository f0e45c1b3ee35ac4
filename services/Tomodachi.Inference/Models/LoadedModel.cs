using LLama;
using LLama.Native;
using Tomodachi.Inference.Generation;
using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Models;

/// <summary>
/// Weights in memory with their batch decoder and LoRA adapters. Callers hold a <see cref="Lease"/> while they use
/// it, so unloading waits until nobody touches the native handles any more.
/// </summary>
public sealed class LoadedModel : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private int _leases;
    private bool _closing;
    private DateTimeOffset _lastUsed;

    internal LoadedModel(ModelDescription description, LLamaWeights weights, GenerationEngine engine, IReadOnlyDictionary<string, LoraAdapter> adapters, TimeProvider time)
    {
        Description = description;
        Weights = weights;
        Engine = engine;
        Adapters = adapters;
        _time = time;
        _lastUsed = time.GetUtcNow();
    }

    public ModelDescription Description { get; }
    public GgufFileInfo File => Description.File!;
    public LLamaWeights Weights { get; }
    public GenerationEngine Engine { get; }

    /// <summary>Adapters by path.</summary>
    public IReadOnlyDictionary<string, LoraAdapter> Adapters { get; }

    /// <summary>Takes a lease, or returns null when the model is being unloaded.</summary>
    public Lease? TryAcquire()
    {
        lock (_gate)
        {
            if (_closing)
            {
                return null;
            }

            _leases++;
            _lastUsed = _time.GetUtcNow();
            return new Lease(this);
        }
    }

    /// <summary>How long nobody has used the model; zero while a lease is out.</summary>
    public TimeSpan IdleFor()
    {
        lock (_gate)
        {
            return _leases > 0 ? TimeSpan.Zero : _time.GetUtcNow() - _lastUsed;
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _lastUsed = _time.GetUtcNow();
            if (--_leases == 0 && _closing)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Counts tokens exactly as a prompt would be fed to the model.</summary>
    public LLamaToken[] Tokenize(string text, bool addBos) => Weights.Tokenize(text, addBos, special: true, System.Text.Encoding.UTF8);

    /// <summary>Frees the model at once: replies still being generated fail.</summary>
    public ValueTask DisposeAsync() => RetireAsync(TimeSpan.Zero);

    /// <summary>
    /// Takes no new leases, gives the replies in flight up to <paramref name="grace"/> to finish (a model that another
    /// one replaced), then frees the model.
    /// </summary>
    public async ValueTask RetireAsync(TimeSpan grace)
    {
        lock (_gate)
        {
            _closing = true;
            if (_leases == 0)
            {
                _drained.TrySetResult();
            }
        }

        if (grace > TimeSpan.Zero)
        {
            await Task.WhenAny(_drained.Task, Task.Delay(grace, _time));
        }

        // Stopping the decoder fails the generations in flight, which then give their leases back.
        await Engine.DisposeAsync();
        await _drained.Task.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var adapter in Adapters.Values)
        {
            adapter.Unload();
        }

        Weights.Dispose();
    }

    /// <summary>Permission to use the model until disposed.</summary>
    public sealed class Lease(LoadedModel model) : IDisposable
    {
        private int _disposed;

        public LoadedModel Model { get; } = model;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Model.Release();
            }
        }
    }
}
