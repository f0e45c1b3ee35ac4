using Microsoft.Extensions.Options;
using Tomodachi.Memory.Extensions;

namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// Recreates the embedder that made the stored vectors, when it can run without configuration: the lexical embedder
/// and the packaged sentence models (when their file is at hand). During a re-embedding it embeds the queries that
/// search the old vectors and the new memories that join them. A GGUF model is known only by its file name, so it
/// cannot be recreated: searches then wait for the re-embedding.
/// </summary>
public sealed class PreviousEmbedders(IOptions<MemoryOptions> options) : IDisposable
{
    private readonly List<IDisposable> loaded = [];

    public IEmbedder? TryCreate(string name)
    {
        var lexical = new LexicalEmbedder();
        if (name == lexical.Name)
        {
            return lexical;
        }

        var model = SentenceModel.Packaged.FirstOrDefault(m => m.EmbedderName == name);
        var file = model is null ? null : Path.Combine(options.Value.OnnxModelDirectory, model.AssemblyFile);
        if (model is null || !File.Exists(file))
        {
            return null;
        }

        try
        {
            var embedder = OnnxSentenceEmbedder.Load(model, file, options.Value.EmbeddingThreads > 0 ? options.Value.EmbeddingThreads : Environment.ProcessorCount,
                options.Value.EmbeddingBatchSize);
            lock (loaded)
            {
                loaded.Add(embedder);
            }

            return embedder;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        lock (loaded)
        {
            loaded.ForEach(e => e.Dispose());
        }
    }
}
