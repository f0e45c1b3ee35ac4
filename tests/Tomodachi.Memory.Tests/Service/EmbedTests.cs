using System.Numerics.Tensors;
using Grpc.Core;
using Tomodachi.Memory.V1;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>The Embed RPC: vectors of the service's own embedder, without storing anything, and its limits.</summary>
public sealed class EmbedTests(MemoryServiceFactory service) : IClassFixture<MemoryServiceFactory>
{
    private MemoryService.MemoryServiceClient Client => service.Client;

    [Fact]
    public async Task Embed_returns_one_unit_vector_per_text_in_order_named_like_the_stats_and_stores_nothing()
    {
        var before = (await Client.GetStatsAsync(new GetStatsRequest())).Stats;
        var texts = new[] { "my dog is called Rex", "I had pizza for lunch", "my dog is called Rex" };

        var reply = await Client.EmbedAsync(new EmbedRequest { Texts = { texts } });
        var after = (await Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Equal(3, reply.Embeddings.Count);
        Assert.Equal(before.Embedder, reply.Model);
        Assert.Equal(before.Dimension, reply.Dimension);
        Assert.All(reply.Embeddings, e => Assert.Equal((int)reply.Dimension, e.Vector.Count));
        Assert.All(reply.Embeddings, e => Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.ToArray()), 3));
        Assert.All(reply.Embeddings, e => Assert.True(e.TokenCount > 0));
        Assert.Equal(reply.Embeddings[0].Vector, reply.Embeddings[2].Vector);
        Assert.NotEqual(reply.Embeddings[0].Vector, reply.Embeddings[1].Vector);
        Assert.Equal(before.Count, after.Count);
    }

    [Fact]
    public async Task A_stored_text_embedded_as_a_query_finds_its_memory_with_the_score_Search_reports()
    {
        var session = Guid.NewGuid().ToString();
        var stored = await Client.StoreAsync(MemoryRequests.Store("my sister lives in Osaka", session));

        var document = (await Client.EmbedAsync(new EmbedRequest { Texts = { "my sister lives in Osaka" } })).Embeddings[0].Vector.ToArray();
        var query = (await Client.EmbedAsync(new EmbedRequest { Texts = { "where does my sister live?" }, Purpose = EmbeddingPurpose.Query }))
            .Embeddings[0].Vector.ToArray();
        var hit = Assert.Single((await Client.SearchAsync(MemoryRequests.Search("where does my sister live?", 1, new SearchFilter { SessionId = session }))).Hits);

        Assert.Equal(stored.Id, hit.Memory.Id);
        Assert.Equal(TensorPrimitives.Dot(document, query), hit.Score, 3);
    }

    [Fact]
    public async Task Embed_without_texts_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.EmbedAsync(new EmbedRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("texts must hold 1 to 256 texts; it holds 0", error.Status.Detail);
    }

    [Fact]
    public async Task Embed_with_more_than_256_texts_is_rejected_with_InvalidArgument()
    {
        var request = new EmbedRequest { Texts = { Enumerable.Range(0, 257).Select(i => $"text {i}") } };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.EmbedAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("it holds 257", error.Status.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t\n")]
    public async Task Embed_with_an_empty_text_is_rejected_with_InvalidArgument_naming_it(string empty)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.EmbedAsync(new EmbedRequest { Texts = { "fine", empty } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("texts[1] is empty", error.Status.Detail);
    }

    [Fact]
    public async Task Embed_with_a_text_over_32_KiB_is_rejected_with_InvalidArgument_naming_it()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.EmbedAsync(new EmbedRequest { Texts = { new string('a', 32 * 1024 + 1) } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("texts[0] is 32769 bytes", error.Status.Detail);
    }

    [Fact]
    public async Task Embed_with_an_unknown_purpose_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.EmbedAsync(new EmbedRequest { Texts = { "hello" }, Purpose = (EmbeddingPurpose)7 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("purpose 7 is not a known purpose", error.Status.Detail);
    }
}
