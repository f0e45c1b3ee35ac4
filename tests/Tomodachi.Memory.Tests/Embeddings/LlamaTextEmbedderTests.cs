using System.Numerics.Tensors;
using Microsoft.Extensions.Logging.Abstractions;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;

namespace Tomodachi.Memory.Tests.Embeddings;

/// <summary>The GGUF embedder on a real llama.cpp model the tests write themselves.</summary>
public sealed class LlamaTextEmbedderTests : IAsyncLifetime
{
    private LlamaTextEmbedder? embedder;

    private LlamaTextEmbedder Embedder => embedder!;

    public async Task InitializeAsync() =>
        embedder = LlamaTextEmbedder.Load(await TestEmbeddingModel.PathAsync(), new MemoryOptions(), NullLogger.Instance);

    public Task DisposeAsync()
    {
        embedder?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Dimension_is_the_models_embedding_length_and_the_name_says_file_and_pooling()
    {
        var vector = await Embedder.EmbedAsync("my dog is called Rex", default);

        Assert.Equal(TestEmbeddingModel.EmbeddingLength, Embedder.Dimension);
        Assert.Equal(TestEmbeddingModel.EmbeddingLength, vector.Length);
        Assert.Equal(TestEmbeddingModel.EmbedderName, Embedder.Name);
    }

    [Fact]
    public async Task Configured_pooling_names_the_vectors_and_changes_them()
    {
        using var last = LlamaTextEmbedder.Load(
            await TestEmbeddingModel.PathAsync(), new MemoryOptions { EmbeddingPooling = EmbeddingPooling.Last }, NullLogger.Instance);

        var byMean = await Embedder.EmbedAsync("my dog is called Rex", default);
        var byLast = await last.EmbedAsync("my dog is called Rex", default);

        Assert.EndsWith(":last", last.Name);
        Assert.NotEqual(byMean, byLast);
    }

    [Fact]
    public async Task Vectors_are_unit_length()
    {
        foreach (var text in new[] { "my dog is called Rex", "x", "🙂🙂🙂", "Tomodachi remembers what you tell it, day after day." })
        {
            Assert.Equal(1f, TensorPrimitives.Norm(await Embedder.EmbedAsync(text, default)), 4);
        }
    }

    [Fact]
    public async Task The_same_text_always_gives_the_same_vector()
    {
        var first = await Embedder.EmbedAsync("my dog is called Rex", default);
        await Embedder.EmbedAsync("something else in between", default);
        var second = await Embedder.EmbedAsync("my dog is called Rex", default);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Different_texts_give_different_vectors()
    {
        var dog = await Embedder.EmbedAsync("my dog is called Rex", default);
        var pizza = await Embedder.EmbedAsync("I had pizza for lunch", default);

        Assert.True(TensorPrimitives.Dot(dog, pizza) < 0.9999f);
    }

    [Fact]
    public async Task Concurrent_calls_give_the_same_vectors_as_calls_one_at_a_time()
    {
        var texts = Enumerable.Range(0, 12).Select(i => $"memory number {i}: the weather on day {i} was fine").ToList();
        var sequential = new List<float[]>();
        foreach (var text in texts)
        {
            sequential.Add(await Embedder.EmbedAsync(text, default));
        }

        var concurrent = await Task.WhenAll(texts.Select(text => Task.Run(() => Embedder.EmbedAsync(text, default).AsTask())));

        Assert.Equal(sequential, concurrent);
    }

    [Fact]
    public async Task A_text_far_longer_than_the_context_is_cut_and_still_embeds()
    {
        // 32 KiB, the largest text the service accepts; the test model reads 256 tokens.
        var longest = string.Concat(Enumerable.Repeat("remember this, ", 32 * 1024 / 15));

        var vector = await Embedder.EmbedAsync(longest, default);

        Assert.Equal(1f, TensorPrimitives.Norm(vector), 4);
    }
}
