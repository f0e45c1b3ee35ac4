using System.Numerics.Tensors;
using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Tests.Embeddings;

/// <summary>The packaged sentence model on ONNX Runtime, loaded once for the class (a second or two).</summary>
public sealed class OnnxSentenceEmbedderTests(PackagedSentenceModel fixture) : IClassFixture<PackagedSentenceModel>
{
    private IEmbedder Embedder => fixture.Embedder;

    [Fact]
    public async Task Vectors_have_the_model_width_and_unit_length()
    {
        var embeddings = await Embedder.EmbedAsync(["my dog is called Rex", "x", "🙂🙂🙂"], EmbeddingKind.Document, default);

        Assert.Equal(384, Embedder.Dimension);
        Assert.All(embeddings, e => Assert.Equal(384, e.Vector.Length));
        Assert.All(embeddings, e => Assert.Equal(1f, TensorPrimitives.Norm(e.Vector), 4));
    }

    [Fact]
    public async Task A_text_in_a_padded_batch_gets_the_vector_it_gets_alone()
    {
        string[] texts = ["a short one", "a much longer sentence that forces every shorter text in its batch to be padded with zeros", "mid-sized text here"];

        var batched = await Embedder.EmbedAsync(texts, EmbeddingKind.Document, default);
        foreach (var (text, i) in texts.Select((t, i) => (t, i)))
        {
            var alone = await Embedder.EmbedAsync(text, default);
            Assert.Equal(1f, TensorPrimitives.CosineSimilarity(alone, batched[i].Vector), 4);
        }
    }

    [Fact]
    public async Task Related_sentences_score_higher_than_unrelated_ones()
    {
        var vectors = await Embedder.EmbedAsync(["I adopted a puppy", "We got a new dog", "The invoice is overdue"], EmbeddingKind.Document, default);

        var related = TensorPrimitives.Dot(vectors[0].Vector, vectors[1].Vector);
        var unrelated = TensorPrimitives.Dot(vectors[0].Vector, vectors[2].Vector);

        Assert.True(related > unrelated + 0.2f, $"related {related}, unrelated {unrelated}");
    }

    [Fact]
    public async Task A_text_longer_than_the_window_is_cut_to_its_beginning_and_counted_as_the_window()
    {
        var longText = string.Join(' ', Enumerable.Repeat("word", 2_000));

        var embedding = (await Embedder.EmbedAsync([longText, "word word"], EmbeddingKind.Document, default))[0];

        Assert.Equal(SentenceModel.MiniLm.MaxTokens, embedding.TokenCount);
        Assert.Equal(1f, TensorPrimitives.Norm(embedding.Vector), 4);
    }

    [Fact]
    public async Task Token_counts_include_the_two_special_tokens()
    {
        var embedding = (await Embedder.EmbedAsync(["hello world"], EmbeddingKind.Document, default))[0];

        Assert.Equal(4, embedding.TokenCount);
    }

    [Fact]
    public async Task A_cancelled_call_throws_OperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Embedder.EmbedAsync(["hello"], EmbeddingKind.Document, cancelled.Token).AsTask());
    }
}

/// <summary>The default packaged model, loaded from the models folder the build copies beside the tests.</summary>
public sealed class PackagedSentenceModel : IDisposable
{
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "models", SentenceModel.MiniLm.AssemblyFile);

    public OnnxSentenceEmbedder Embedder { get; } = OnnxSentenceEmbedder.Load(SentenceModel.MiniLm, AssemblyPath, threads: 2, batchSize: 8);

    public void Dispose() => Embedder.Dispose();
}
