using LLama.Exceptions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Extensions;
using Tomodachi.Models;
using Tomodachi.Models.Download;

namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// The embedder <c>Memory:EmbeddingModel</c> asks for: the model-free <see cref="LexicalEmbedder"/> when it is empty,
/// otherwise a GGUF model (local path or <c>hf:</c> spec, from the shared model cache) run by <see cref="LlamaTextEmbedder"/>.
/// The model is loaded once; a model that cannot be used is remembered with its reason, since asking again would
/// fail the same way until the configuration changes and the service restarts.
/// </summary>
public sealed partial class ConfiguredEmbedderProvider(
    IOptions<MemoryOptions> options,
    ModelResolver resolver,
    ILogger<ConfiguredEmbedderProvider> logger) : IEmbedderProvider, IDisposable
{
    private static readonly LexicalEmbedder Lexical = new();

    private readonly string spec = options.Value.EmbeddingModel.Trim();
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile IEmbedder? loaded;
    private string? failure;

    public string Configured => spec.Length == 0 ? Lexical.Name : spec;

    public async ValueTask<IEmbedder> GetAsync(CancellationToken cancellationToken)
    {
        if (spec.Length == 0)
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
                var path = await resolver.ResolveAsync(spec, cancellationToken);
                var model = await Task.Run(() => LlamaTextEmbedder.Load(path, options.Value, logger), cancellationToken);
                LogLoaded(model.Name, model.Dimension, path);
                loaded = model;
                return model;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidModelFileException
                                          or LoadWeightsFailedException or RuntimeError or NotSupportedException)
            {
                // FileNotFoundException and ModelDownloadException are IOExceptions; their messages name the file.
                failure = $"The embedding model '{spec}' (Memory:EmbeddingModel) cannot be used: {e.Message} " +
                          "Name a GGUF embedding model, or leave Memory:EmbeddingModel empty for the lexical embedder, and restart the service.";
                LogUnusable(e, spec);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding model {Embedder} loaded ({Dimension} dimensions) from {Path}")]
    private partial void LogLoaded(string embedder, int dimension, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The embedding model {ModelSpec} cannot be used: searches and writes are refused until the configuration is fixed")]
    private partial void LogUnusable(Exception exception, string modelSpec);
}
