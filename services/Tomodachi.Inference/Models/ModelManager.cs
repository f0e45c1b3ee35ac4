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
/// Loads GGUF models with LLamaSharp. Every failure becomes a <see cref="ModelDescription.LoadError"/> instead of an
/// exception, so the service stays up and says why it cannot chat.
/// </summary>
public sealed class ModelManager(
    IOptions<InferenceOptions> options,
    ModelResolver resolver,
    TimeProvider time,
    ILogger<ModelManager> logger) : IModelManager, IAsyncDisposable
{
    /// <summary>Architectures this llama.cpp build runs for chat; anything else is refused up front with a clear reason.</summary>
    private static readonly HashSet<string> SupportedArchitectures = new(StringComparer.Ordinal)
    {
        "llama", "llama4", "mistral3", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "gemma", "gemma2", "gemma3", "phi2",
        "phi3", "granite", "granitemoe", "olmo", "olmo2", "stablelm", "starcoder2", "deepseek2", "command-r", "cohere2",
        "exaone", "smollm3", "gpt2", "falcon", "mpt", "internlm2", "minicpm", "chatglm", "glm4", "bitnet", "gptneox",
    };

    private const string LoadingReason = "The model is loading.";

    private readonly SemaphoreSlim _switch = new(1, 1);
    private readonly InferenceOptions _options = options.Value;
    private LoadedModel? _loaded;
    private volatile bool _loading = options.Value.LoadOnStartup;
    private ModelDescription _description = new(null, options.Value.Model ?? "", 0, Loaded: false,
        Demo: string.IsNullOrWhiteSpace(options.Value.Model),
        LoadError: options.Value.LoadOnStartup ? LoadingReason : "The model has not been loaded yet.");

    public event Action? Changed;

    public ModelDescription Describe() => Volatile.Read(ref _description);

    public bool Loading => _loading;

    public LoadedModel.Lease? TryAcquire() => Volatile.Read(ref _loaded)?.TryAcquire();

    public async Task<ModelDescription> LoadAsync(string? path, CancellationToken cancellationToken)
    {
        await _switch.WaitAsync(cancellationToken);
        _loading = true;
        try
        {
            await UnloadCurrentAsync();
            var demo = path is null && string.IsNullOrWhiteSpace(_options.Model);
            // Downloading and mapping a real model can take minutes; meanwhile the Status panel and GetModel say so.
            Publish(new ModelDescription(null, path ?? _options.Model ?? "", 0, false, demo, LoadingReason));
            string resolved;
            try
            {
                resolved = path is not null ? Path.GetFullPath(path)
                    : demo ? await DemoModel.EnsureAsync(_options.Demo, _options.ModelCache, cancellationToken)
                    : await resolver.ResolveAsync(_options.Model!, cancellationToken);
            }
            catch (Exception exception) when (exception is ArgumentException or FileNotFoundException or ModelDownloadException)
            {
                logger.LogWarning("Model {ModelSpec} could not be resolved: {Reason}", _options.Model, exception.Message);
                return Publish(new ModelDescription(null, path ?? _options.Model ?? "", 0, false, demo, exception.Message));
            }

            var loaded = await Task.Run(() => TryLoad(resolved, demo), cancellationToken);
            Volatile.Write(ref _loaded, loaded.Model);
            return Publish(loaded.Description);
        }
        finally
        {
            _loading = false;
            _switch.Release();
        }
    }

    public async Task<ModelDescription> UnloadAsync(CancellationToken cancellationToken)
    {
        await _switch.WaitAsync(cancellationToken);
        try
        {
            await UnloadCurrentAsync();
            return Publish(_description with { Loaded = false, LoadError = "The model was unloaded." });
        }
        finally
        {
            _switch.Release();
        }
    }

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

    private (LoadedModel? Model, ModelDescription Description) TryLoad(string path, bool demo)
    {
        GgufFileInfo file;
        try
        {
            file = GgufReader.Read(path);
        }
        catch (Exception exception) when (exception is InvalidModelFileException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Model file {Path} is unusable: {Reason}", path, exception.Message);
            return (null, new ModelDescription(null, path, 0, false, demo, exception.Message));
        }

        var contextLength = file.ContextLength == 0 ? (uint)_options.ContextSize : Math.Min(file.ContextLength, (uint)_options.ContextSize);
        var description = new ModelDescription(file, path, contextLength, false, demo, null);
        if (!SupportedArchitectures.Contains(file.Architecture))
        {
            return (null, description with { LoadError = $"Unsupported model architecture '{file.Architecture}': {path}" });
        }

        LlamaNative.EnsureLoaded(logger);
        LLamaWeights? weights = null;
        try
        {
            var slots = _options.ParallelSlots;
            var threads = _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;
            var batchThreads = _options.BatchThreads > 0 ? _options.BatchThreads : Environment.ProcessorCount;
            // The KV cache is shared by every slot (kv_unified), so it must hold every slot's full context.
            var parameters = new ModelParams(path)
            {
                ContextSize = contextLength * (uint)slots,
                BatchSize = contextLength * (uint)slots,
                SeqMax = (uint)slots,
                Threads = threads,
                BatchThreads = batchThreads,
            };
            weights = LLamaWeights.LoadFromFile(parameters);
            var adapters = LoadAdapters(weights);
            var engine = new GenerationEngine(weights, parameters, _options.StreamFlushInterval, time, logger);
            description = description with { Loaded = true };
            logger.LogInformation("Loaded model {ModelId} ({Architecture}, {Parameters} parameters, {Quantization}, demo: {Demo})",
                description.Id, file.Architecture, file.ParameterCount, file.Quantization, demo);
            return (new LoadedModel(description, weights, engine, adapters), description);
        }
        catch (Exception exception) when (exception is LoadWeightsFailedException or RuntimeError or InvalidModelFileException or LLamaDecodeError)
        {
            weights?.Dispose();
            logger.LogWarning(exception, "llama.cpp could not load {Path}", path);
            return (null, description with { LoadError = $"llama.cpp could not load the model: {exception.Message}" });
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
}
