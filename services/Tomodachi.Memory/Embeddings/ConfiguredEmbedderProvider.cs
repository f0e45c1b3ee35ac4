using LLama.Exceptions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Extensions;
using Tomodachi.Models;
using Tomodachi.Models.Download;

namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// The embedder <c>Memory:Embedder</c> asks for: a packaged sentence model on ONNX Runtime (the default), the
/// model-free <see cref="LexicalEmbedder"/>, or a GGUF model (local path or <c>hf:</c> spec, from the shared model cache)
/// run by <see cref="LlamaTextEmbedder"/>. A model is loaded once; one that cannot be used is remembered with its
/// reason, since asking again would fail the same way until the configuration changes and the service restarts.
/// </summary>
public sealed partial class ConfiguredEmbedderProvider(
    IOptions<MemoryOptions> options,
    ModelResolver resolver,
    ILogger<ConfiguredEmbedderProvider> logger) : IEmbedderProvider, IDisposable
{
    private static readonly LexicalEmbedder Lexical = new();

    private readonly MemoryOptions settings = options.Value;
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile IEmbedder? loaded;
    private string? failure;

    public string Configured => settings.Embedder switch
    {
        EmbedderChoice.Lexical => Lexical.Name,
        EmbedderChoice.Gguf => settings.EmbeddingModel.Trim(),
        _ => Sentence.EmbedderName,
    };

    private SentenceModel Sentence => SentenceModel.Find(settings.OnnxModel) ?? SentenceModel.MiniLm;

    public async ValueTask<IEmbedder> GetAsync(CancellationToken cancellationToken)
    {
        if (settings.Embedder == EmbedderChoice.Lexical)
        {
            return Lexical;
        }

        if (loaded is { } ready)
        {
            return ready;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (loaded is { } racedReady)
            {
                return racedReady;
            }

            if (failure is not null)
            {
                throw new EmbedderUnavailableException(failure);
            }

            try
            {
                var (model, source) = await LoadAsync(cancellationToken);
                LogLoaded(model.Name, model.Dimension, source);
                loaded = model;
                return model;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidModelFileException
                                          or LoadWeightsFailedException or RuntimeError or NotSupportedException or OnnxRuntimeException
                                          or InvalidDataException)
            {
                // FileNotFoundException and ModelDownloadException are IOExceptions; these exceptions'
                // messages name the file.
                failure = settings.Embedder == EmbedderChoice.Gguf
                    ? $"The embedding model '{Configured}' (Memory:EmbeddingModel) cannot be used: {e.Message} " +
                      "Name a GGUF embedding model, or set Memory:Embedder to Onnx or Lexical, and restart the service."
                    : $"The embedding model '{Configured}' (Memory:Embedder=Onnx, Memory:OnnxModel) cannot be used: {e.Message} " +
                      "Reinstall the service so that its models folder is complete (Memory:OnnxModelDirectory), or set Memory:Embedder to Lexical, and restart the service.";
                LogUnusable(e, Configured);
                throw new EmbedderUnavailableException(failure, e);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        (loaded as IDisposable)?.Dispose();
        gate.Dispose();
    }

    private async Task<(IEmbedder Model, string Source)> LoadAsync(CancellationToken cancellationToken)
    {
        if (settings.Embedder == EmbedderChoice.Gguf)
        {
            var path = await resolver.ResolveAsync(settings.EmbeddingModel.Trim(), cancellationToken);
            return (await Task.Run(() => LlamaTextEmbedder.Load(path, settings, logger), cancellationToken), path);
        }

        var assembly = Path.Combine(settings.OnnxModelDirectory, Sentence.AssemblyFile);
        var threads = settings.EmbeddingThreads > 0 ? settings.EmbeddingThreads : Environment.ProcessorCount;
        return (await Task.Run(() => OnnxSentenceEmbedder.Load(Sentence, assembly, threads, settings.EmbeddingBatchSize), cancellationToken), assembly);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding model {Embedder} loaded ({Dimension} dimensions) from {Path}")]
    private partial void LogLoaded(string embedder, int dimension, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The embedding model {ModelSpec} cannot be used: searches and writes are refused until the configuration is fixed")]
    private partial void LogUnusable(Exception exception, string modelSpec);
}
