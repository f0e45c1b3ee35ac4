using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Tests.Contract;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// The folded embedder as the configured one, whose batches of documents (what re-embedding sends) wait until the test
/// opens the gate, so a test can look at the service in the middle of a re-embedding.
/// </summary>
public sealed class GatedEmbedder : IEmbedder, IEmbedderProvider
{
    private readonly FoldedEmbedder folded = new();
    private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => folded.Name;

    public int Dimension => folded.Dimension;

    public string Configured => Name;

    /// <summary>Completes when a batch of two or more documents is waiting at the gate.</summary>
    public Task Waiting => waiting.Task;

    public void Open() => open.TrySetResult();

    public ValueTask<IEmbedder> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IEmbedder>(this);

    public async ValueTask<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken)
    {
        if (kind == EmbeddingKind.Document && texts.Count > 1)
        {
            waiting.TrySetResult();
            await open.Task.WaitAsync(cancellationToken);
        }

        return await folded.EmbedAsync(texts, kind, cancellationToken);
    }
}
