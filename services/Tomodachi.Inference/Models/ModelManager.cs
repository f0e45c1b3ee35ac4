using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Generation;
using Tomodachi.Models.Download;
using Tomodachi.Models;
using Tomodachi.Models.Gguf;
using Tomodachi.Models.Llama;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Models;

/// <summary>
/// Loads GGUF models with LLamaSharp, one at a time. A load checks the file first and only then touches the running
/// model: it loads the new one beside it when free memory allows and swaps, else unloads, loads, and loads the previous
/// one again if the new one fails — a failed load never ends without the model that was serving. Every failure becomes
/// a reason (<see cref="ModelLoadResult.Error"/>, <see cref="ModelDescription.LoadError"/>) instead of an exception, so
/// the service stays up and says why.
/// </summary>
public sealed class ModelManager(
    IOptions<InferenceOptions> options,
    ModelCatalog catalog,
    ModelResolver resolver,
    IFreeMemory freeMemory,
    TimeProvider time,
    ILogger<ModelManager> logger) : IModelManager, IAsyncDisposable
{
    private const string LoadingReason = "The model is loading.";

    /// <summary>How long replies on a replaced model may run on before it is freed under them.</summary>
    private static readonly TimeSpan SwapGrace = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _switch = new(1, 1);
    private readonly InferenceOptions _options = options.Value;
    private LoadedModel? _loaded;
    private ModelTarget? _idleUnloaded;
    private volatile bool _loading = options.Value.LoadOnStartup;
    private ModelDescription _description = new(null, options.Value.Model ?? "", 0, Loaded: false,
        Demo: string.IsNullOrWhiteSpace(options.Value.Model),
        LoadError: options.Value.LoadOnStartup ? LoadingReason : "The model has not been loaded yet.");

    public event Action? Changed;

    public ModelDescription Describe() => Volatile.Read(ref _description);

    public bool Loading => _loading;

    public LoadedModel.Lease? TryAcquire() => Volatile.Read(ref _loaded)?.TryAcquire();

    public async ValueTask<LoadedModel.Lease?> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = TryAcquire();
        if (lease is not null || Volatile.Read(ref _idleUnloaded) is null)
        {
            return lease;
        }

        await _switch.WaitAsync(cancellationToken);
        try
        {
            // Several chats may arrive at an idle service; the first one brings the model back for all of them.
            if (_loaded is null && _idleUnloaded is { } target)
            {
                _idleUnloaded = null;
                logger.LogInformation("Loading {ModelId} again for a chat after it was unloaded for being idle", Path.GetFileNameWithoutExtension(target.Path));
                await LoadingAsync(() => SwitchToAsync(target));
            }
        }
        finally
        {
            _switch.Release();
        }

        return TryAcquire();
    }

    public async Task<ModelLoadResult> LoadAsync(string? reference, CancellationToken cancellationToken)
    {
        // A request's reference is checked before anything else happens: a refusal changes nothing.
        var requested = reference is null ? null : catalog.Resolve(reference);
        await _switch.WaitAsync(cancellationToken);
        try
        {
            _idleUnloaded = null;
            return await LoadingAsync(async () =>
            {
                var target = requested is not null ? new ModelTarget(requested, Demo: false) : await ConfiguredAsync(cancellationToken);
                return target is null ? new ModelLoadResult(Describe(), Describe().LoadError)
                    : _loaded?.Description.Path == target.Path ? new ModelLoadResult(Describe(), null)
                    : await SwitchToAsync(target);
            });
        }
        finally
        {
            _switch.Release();
        }
    }

    /// <summary>Runs a load with <see cref="Loading"/> raised, so chats that find no model are told to come back.</summary>
    private async Task<T> LoadingAsync<T>(Func<Task<T>> load)
    {
        _loading = true;
        try
        {
            return await load();
        }
        finally
        {
            _loading = false;
        }
    }

    public async Task<ModelDescription> UnloadAsync(CancellationToken cancellationToken)
    {
        await _switch.WaitAsync(cancellationToken);
        try
        {
            _idleUnloaded = null;
            await UnloadCurrentAsync();
            return Publish(_description with { Loaded = false, LoadError = "The model was unloaded." });
        }
        finally
        {
            _switch.Release();
        }
    }

    public async Task UnloadIfIdleAsync(TimeSpan keepAlive, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _loaded) is not { } model || model.IdleFor() < keepAlive)
        {
            return;
        }

        await _switch.WaitAsync(cancellationToken);
        try
        {
            // Checked again under the lock: a chat or a switch may have come in meanwhile.
            if (_loaded is { } current && current.IdleFor() >= keepAlive)
            {
                var description = current.Description;
                await UnloadCurrentAsync();
                _idleUnloaded = new ModelTarget(description.Path, description.Demo);
                Publish(description with
                {
                    Loaded = false,
                    LoadError = $"Unloaded after {keepAlive} without a chat (Inference:KeepAlive); the next chat loads it again.",
                });
            }
        }
        finally
        {
            _switch.Release();
        }
    }

    public async Task<CatalogEntry> DeleteAsync(string reference, CancellationToken cancellationToken)
    {
        var path = catalog.Resolve(reference);
        await _switch.WaitAsync(cancellationToken);
        try
        {
            if (_loaded?.Description.Path == path || _idleUnloaded?.Path == path)
            {
                throw new ModelInUseException(
                    $"'{catalog.NameOf(path)}' is the loaded model: load another one or unload it before deleting it.");
            }

            var entry = catalog.List().FirstOrDefault(e => e.Path == path)
                ?? new CatalogEntry(catalog.NameOf(path), path, new FileInfo(path).Length, null, null);
            foreach (var file in new[] { path, path + ModelResolver.ChecksumExtension, path + ModelDownloader.PartExtension })
            {
                File.Delete(file);
            }

            logger.LogInformation("Deleted model {ModelName} ({Bytes} bytes)", entry.Name, entry.SizeBytes);
            return entry;
        }
        finally
        {
            _switch.Release();
        }
    }

    /// <summary>The configured model's file, downloading or generating it first; null (with the reason published) when there is none.</summary>
    private async Task<ModelTarget?> ConfiguredAsync(CancellationToken cancellationToken)
    {
        var demo = string.IsNullOrWhiteSpace(_options.Model);
        if (_loaded is null)
        {
            // Downloading and mapping a real model can take minutes; meanwhile the Status panel and GetModel say so.
            Publish(new ModelDescription(null, _options.Model ?? "", 0, false, demo, LoadingReason));
        }

        try
        {
            return new ModelTarget(
                demo ? await DemoModel.EnsureAsync(_options.Demo, _options.ModelCache, cancellationToken)
                    : await resolver.ResolveAsync(_options.Model!, cancellationToken),
                demo);
        }
        catch (Exception exception) when (exception is ArgumentException or FileNotFoundException or ModelDownloadException)
        {
            logger.LogWarning("Model {ModelSpec} could not be resolved: {Reason}", _options.Model, exception.Message);
            if (_loaded is null)
            {
                Publish(new ModelDescription(null, _options.Model ?? "", 0, false, demo, exception.Message));
            }

            return null;
        }
    }

    /// <summary>Puts <paramref name="target"/> in place of the running model; on failure, the running model stays (or comes back).</summary>
    private async Task<ModelLoadResult> SwitchToAsync(ModelTarget target)
    {
        var previous = _loaded;
        if (previous is null)
        {
            Publish(new ModelDescription(null, target.Path, 0, false, target.Demo, LoadingReason));
        }

        GgufHeader header;
        try
        {
            // Off the caller's thread: a pipe or a slow disk holds the read, not the RPC thread.
            header = await Task.Run(() => ModelFileCheck.Read(target.Path));
        }
        catch (Exception exception) when (exception is InvalidModelFileException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Model file {Path} is unusable: {Reason}", target.Path, exception.Message);
            return Failed(previous, new ModelDescription(null, target.Path, 0, false, target.Demo, exception.Message));
        }

        var file = GgufReader.Describe(header);
        var contextLength = file.ContextLength == 0 ? (uint)_options.ContextSize : Math.Min(file.ContextLength, (uint)_options.ContextSize);
        var checkedFile = new ModelDescription(file, target.Path, contextLength, false, target.Demo || DemoModel.Is(file), null);
        if (ModelFileCheck.Unsupported(file) is { } unsupported)
        {
            return Failed(previous, checkedFile with { LoadError = unsupported });
        }

        var needed = ModelMemoryEstimate.Bytes(header, (long)contextLength * _options.ParallelSlots);
        var beside = previous is null || freeMemory.AvailableBytes() >= needed;
        if (!beside)
        {
            logger.LogInformation("Not enough free memory to load {ModelId} beside {Previous} (about {Needed} bytes needed): unloading first",
                checkedFile.Id, previous!.Description.Id, needed);
            await UnloadCurrentAsync();
            Publish(checkedFile with { LoadError = LoadingReason });
        }

        var (model, description) = await Task.Run(() => TryLoad(checkedFile));
        if (model is not null)
        {
            Volatile.Write(ref _loaded, model);
            Publish(description);
            if (beside && previous is not null)
            {
                await previous.RetireAsync(SwapGrace);
                NativeHeap.ReturnFreedMemory();
                logger.LogInformation("Replaced model {Previous} with {ModelId}", previous.Description.Id, description.Id);
            }

            return new ModelLoadResult(description, null);
        }

        if (beside)
        {
            return Failed(previous, description);
        }

        // The previous model made room for one that failed: it comes back, so the service keeps the model it had.
        var (again, againDescription) = await Task.Run(() => TryLoad(previous!.Description with { Loaded = false, LoadError = null }));
        Volatile.Write(ref _loaded, again);
        Publish(again is not null ? againDescription : description);
        return new ModelLoadResult(Describe(), again is not null
            ? $"{description.LoadError} The previous model, {againDescription.Id}, was loaded again."
            : $"{description.LoadError} The previous model could not be loaded again: {againDescription.LoadError}");
    }

    /// <summary>A load that failed before the running model was touched: it keeps serving, or, with none, the reason is shown.</summary>
    private ModelLoadResult Failed(LoadedModel? previous, ModelDescription failed) =>
        new(previous is null ? Publish(failed) : Describe(), failed.LoadError);

    private async Task UnloadCurrentAsync()
    {
        var current = Interlocked.Exchange(ref _loaded, null);
        if (current is not null)
        {
            await current.DisposeAsync();
            NativeHeap.ReturnFreedMemory();
            logger.LogInformation("Unloaded model {ModelId}", current.Description.Id);
        }
    }

    private ModelDescription Publish(ModelDescription description)
    {
        Volatile.Write(ref _description, description);
        Changed?.Invoke();
        return description;
    }

    private (LoadedModel? Model, ModelDescription Description) TryLoad(ModelDescription description)
    {
        LlamaNative.EnsureLoaded(logger);
        LLamaWeights? weights = null;
        try
        {
            var slots = _options.ParallelSlots;
            var threads = _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;
            var batchThreads = _options.BatchThreads > 0 ? _options.BatchThreads : Environment.ProcessorCount;
            // The KV cache is shared by every slot (kv_unified), so it must hold every slot's full context.
            var parameters = new ModelParams(description.Path)
            {
                ContextSize = description.ContextLength * (uint)slots,
                BatchSize = description.ContextLength * (uint)slots,
                SeqMax = (uint)slots,
                Threads = threads,
                BatchThreads = batchThreads,
                GpuLayerCount = _options.GpuLayers,
            };
            weights = LLamaWeights.LoadFromFile(parameters);
            var adapters = LoadAdapters(weights);
            var engine = new GenerationEngine(weights, parameters, _options.StreamFlushInterval, time, logger);
            var offload = ModelOffload.Of(weights, _options.GpuLayers);
            description = description with { Loaded = true, LoadError = null, Offload = offload };
            var file = description.File!;
            logger.LogInformation("Loaded model {ModelId} ({Architecture}, {Parameters} parameters, {Quantization}, demo: {Demo}) on {Backend}, {GpuLayers}/{LayerCount} layers on a GPU",
                description.Id, file.Architecture, file.ParameterCount, file.Quantization, description.Demo, offload.Backend, offload.GpuLayers, offload.LayerCount);
            return (new LoadedModel(description, weights, engine, adapters, time), description);
        }
        catch (Exception exception) when (exception is LoadWeightsFailedException or RuntimeError or InvalidModelFileException or LLamaDecodeError)
        {
            weights?.Dispose();
            logger.LogWarning(exception, "llama.cpp could not load {Path}", description.Path);
            return (null, description with { Loaded = false, LoadError = $"llama.cpp could not load the model: {exception.Message}" });
        }
    }

    private Dictionary<string, LoraAdapter> LoadAdapters(LLamaWeights weights)
    {
        var adapters = new Dictionary<string, LoraAdapter>(StringComparer.Ordinal);
        foreach (var path in _options.Personas.Select(p => p.AdapterPath).OfType<string>().Where(p => p.Length > 0).Distinct())
        {
            if (!File.Exists(path))
            {
                throw new InvalidModelFileException($"LoRA adapter not found: {path}");
            }

            adapters[path] = weights.NativeHandle.LoadLoraFromFile(path);
        }

        return adapters;
    }

    public async ValueTask DisposeAsync()
    {
        // The start-up load runs on its own task and can still be loading when the host stops; waiting for it here
        // frees the model it loads too, instead of leaking its weights and decoder thread into the process.
        await _switch.WaitAsync();
        try
        {
            await UnloadCurrentAsync();
        }
        finally
        {
            _switch.Release();
        }

        _switch.Dispose();
    }

    /// <summary>A file to load, and whether it is the generated demo model.</summary>
    private sealed record ModelTarget(string Path, bool Demo);
}
