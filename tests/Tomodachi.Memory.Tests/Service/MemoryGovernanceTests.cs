using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Tests.Contract;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>Browsing, correcting, pinning and forgetting memories through the service, each test against a fresh store.</summary>
public sealed class MemoryGovernanceTests : IAsyncLifetime
{
    private readonly MemoryServiceFactory service = new();

    private MemoryService.MemoryServiceClient Client => service.Client;

    public Task InitializeAsync()
    {
        service.Settings["Memory:Embedder"] = "Lexical";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task List_pages_through_every_memory_newest_first_with_page_tokens()
    {
        var texts = Enumerable.Range(0, 7).Select(i => $"memory number {i}").ToList();
        foreach (var (text, i) in texts.Select((t, i) => (t, i)))
        {
            await Client.StoreAsync(Store(text, createdAt: MemoryServiceFactory.Start.AddMinutes(i)));
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Client.ListAsync(new ListRequest { PageSize = 3, PageToken = token });
            seen.AddRange(page.Memories.Select(m => m.Text));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0 && pages < 10);

        Assert.Equal(Enumerable.Reverse(texts), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task List_filters_by_text_conversation_role_origin_date_and_pin()
    {
        await Client.StoreAsync(Store("My sister lives in OSAKA", "s1", MemoryRole.User, MemoryServiceFactory.Start.AddHours(-3)));
        await Client.StoreAsync(Store("Osaka is lovely in spring", "s1", MemoryRole.Assistant, MemoryServiceFactory.Start.AddHours(-2)));
        var cat = (await Client.StoreAsync(Store("my cat is called Tom", "s2", MemoryRole.User, MemoryServiceFactory.Start.AddHours(-1)))).Id;
        await Client.UpdateAsync(new UpdateRequest { Id = cat, Pinned = true });
        await ImportAsync(new V1.Memory { Text = "imported: I like osaka", Role = MemoryRole.Note });

        async Task<string[]> Texts(ListFilter filter) =>
            (await Client.ListAsync(new ListRequest { Filter = filter })).Memories.Select(m => m.Text).ToArray();

        Assert.Equal(["imported: I like osaka", "Osaka is lovely in spring", "My sister lives in OSAKA"], await Texts(new() { TextContains = "osaka" }));
        Assert.Equal(["Osaka is lovely in spring", "My sister lives in OSAKA"], await Texts(new() { SessionId = "s1" }));
        Assert.Equal(["my cat is called Tom", "My sister lives in OSAKA"], await Texts(new() { Role = MemoryRole.User }));
        Assert.Equal(["imported: I like osaka"], await Texts(new() { Origin = MemoryOrigin.Imported }));
        Assert.Equal(["my cat is called Tom"], await Texts(new() { PinnedOnly = true }));
        Assert.Equal(["Osaka is lovely in spring"], await Texts(new()
        {
            CreatedAfter = Timestamp.FromDateTimeOffset(MemoryServiceFactory.Start.AddHours(-2)),
            CreatedBefore = Timestamp.FromDateTimeOffset(MemoryServiceFactory.Start.AddHours(-1)),
        }));
    }

    [Fact]
    public async Task Import_marks_what_it_writes_as_imported_and_keeps_the_pin()
    {
        var id = Guid.NewGuid().ToString();
        await ImportAsync(new V1.Memory { Id = id, Text = "from a backup", Role = MemoryRole.User, Pinned = true, Origin = MemoryOrigin.Stored });
        var stored = (await Client.StoreAsync(Store("said just now"))).Id;

        var imported = (await Client.GetAsync(new GetRequest { Id = id })).Memory;
        Assert.Equal((MemoryOrigin.Imported, true, MemoryRole.User), (imported.Origin, imported.Pinned, imported.Role));
        Assert.Equal(MemoryOrigin.Stored, (await Client.GetAsync(new GetRequest { Id = stored })).Memory.Origin);
    }

    [Fact]
    public async Task Update_re_embeds_the_text_so_search_finds_the_new_text_and_not_the_old()
    {
        var id = (await Client.StoreAsync(Store("my dog is called Rex", "s1"))).Id;
        await Client.StoreAsync(Store("I had pizza for lunch"));

        var updated = (await Client.UpdateAsync(new UpdateRequest { Id = id, Text = "my parrot is called Polly" })).Memory;

        Assert.Equal(("my parrot is called Polly", "s1", MemoryRole.User), (updated.Text, updated.SessionId, updated.Role));
        var forNew = await Client.SearchAsync(Search("parrot Polly", k: 1));
        Assert.Equal(id, Assert.Single(forNew.Hits).Memory.Id);
        var forOld = await Client.SearchAsync(Search("dog Rex", k: 5, new SearchFilter { MinScore = 0.3f }));
        Assert.DoesNotContain(forOld.Hits, hit => hit.Memory.Id == id);
        Assert.Equal("my parrot is called Polly", (await Client.GetAsync(new GetRequest { Id = id })).Memory.Text);
    }

    [Fact]
    public async Task Update_pins_and_unpins()
    {
        var id = (await Client.StoreAsync(Store("my dog is called Rex"))).Id;

        Assert.True((await Client.UpdateAsync(new UpdateRequest { Id = id, Pinned = true })).Memory.Pinned);
        Assert.True((await Client.GetAsync(new GetRequest { Id = id })).Memory.Pinned);
        var unpinned = (await Client.UpdateAsync(new UpdateRequest { Id = id, Pinned = false })).Memory;

        Assert.False(unpinned.Pinned);
        Assert.Equal("my dog is called Rex", unpinned.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    public async Task Update_to_empty_text_is_rejected_with_InvalidArgument_and_changes_nothing(string text)
    {
        var id = (await Client.StoreAsync(Store("my dog is called Rex"))).Id;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UpdateAsync(new UpdateRequest { Id = id, Text = text }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("text is empty", error.Status.Detail);
        Assert.Equal("my dog is called Rex", (await Client.GetAsync(new GetRequest { Id = id })).Memory.Text);
    }

    [Fact]
    public async Task Update_that_changes_nothing_is_rejected_with_InvalidArgument()
    {
        var id = (await Client.StoreAsync(Store("my dog is called Rex"))).Id;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UpdateAsync(new UpdateRequest { Id = id }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("changes nothing", error.Status.Detail);
    }

    [Fact]
    public async Task Update_of_an_unknown_id_is_NotFound()
    {
        var id = Guid.NewGuid().ToString();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UpdateAsync(new UpdateRequest { Id = id, Text = "anything" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains(id, error.Status.Detail);
    }

    [Fact]
    public async Task An_update_whose_embedding_fails_leaves_the_memory_as_it_was()
    {
        service.ReplaceServices = services => services.AddSingleton<IEmbedderProvider>(new RefusingEmbedder());
        var id = (await Client.StoreAsync(Store("my dog is called Rex"))).Id;

        await Assert.ThrowsAsync<RpcException>(() => Client.UpdateAsync(new UpdateRequest { Id = id, Text = "refuse this", Pinned = true }).ResponseAsync);

        var memory = (await Client.GetAsync(new GetRequest { Id = id })).Memory;
        Assert.Equal(("my dog is called Rex", false), (memory.Text, memory.Pinned));
        Assert.Equal(id, Assert.Single((await Client.SearchAsync(Search("dog Rex", k: 1))).Hits).Memory.Id);
    }

    [Fact]
    public async Task Deleting_all_forgets_every_memory_pinned_ones_too()
    {
        await Client.StoreBatchAsync(new StoreBatchRequest { Memories = { New("one", "a"), New("two", "b"), New("three") } });
        var pinned = (await Client.StoreAsync(Store("pinned"))).Id;
        await Client.UpdateAsync(new UpdateRequest { Id = pinned, Pinned = true });

        var reply = await Client.DeleteAsync(new DeleteRequest { All = true });

        Assert.Equal(4ul, reply.DeletedCount);
        Assert.Empty((await Client.ListAsync(new ListRequest())).Memories);
        Assert.Equal(0ul, (await Client.GetStatsAsync(new GetStatsRequest())).Stats.Count);
    }

    [Fact]
    public async Task Delete_with_all_false_is_rejected_with_InvalidArgument()
    {
        await Client.StoreAsync(Store("kept"));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteAsync(new DeleteRequest { All = false }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Single((await Client.ListAsync(new ListRequest())).Memories);
    }

    [Theory]
    [InlineData(201u, "", "page_size must be 1 to 200")]
    [InlineData(10u, "not-a-token", "page_token was not issued by List")]
    [InlineData(10u, "bTE6MTIzOm5vdC1hLWd1aWQ", "page_token was not issued by List")]
    public async Task List_with_a_bad_page_is_rejected_with_InvalidArgument(uint pageSize, string token, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ListAsync(new ListRequest { PageSize = pageSize, PageToken = token }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);
    }

    private async Task ImportAsync(V1.Memory memory)
    {
        using var import = Client.Import();
        await import.RequestStream.WriteAsync(new ImportRequest { Memory = memory });
        await import.RequestStream.CompleteAsync();
        await import.ResponseAsync;
    }

    /// <summary>The folded embedder, refusing any text that asks it to: an embedder failing half-way through a change.</summary>
    private sealed class RefusingEmbedder : IEmbedder, IEmbedderProvider
    {
        private readonly FoldedEmbedder folded = new();

        public string Name => folded.Name;

        public int Dimension => folded.Dimension;

        public string Configured => Name;

        public ValueTask<IEmbedder> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IEmbedder>(this);

        public ValueTask<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken) =>
            texts.Any(t => t.Contains("refuse", StringComparison.Ordinal))
                ? throw new InvalidOperationException("The embedder refused the text.")
                : folded.EmbedAsync(texts, kind, cancellationToken);
    }
}
