using System.Numerics.Tensors;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Contract;

/// <summary>
/// What every <see cref="IMemoryStore"/> must do. Each backend derives a class that says how to open it.
/// </summary>
public abstract partial class MemoryStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly LexicalEmbedder embedder = new();
    private IMemoryStore? store;

    protected IMemoryStore Store => store ?? throw new InvalidOperationException("Not initialised.");

    protected EmbedderIdentity Lexical => new(embedder.Name, embedder.Dimension);

    /// <summary>Opens the backend's collection for this test (the same one on every call within a test).</summary>
    protected abstract IMemoryStore CreateStore();

    /// <summary>Removes whatever the test left behind.</summary>
    protected abstract Task CleanUpAsync();

    public async Task InitializeAsync()
    {
        store = CreateStore();
        Assert.Equal(Lexical, await store.OpenAsync(Lexical, CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync();
        }

        await CleanUpAsync();
    }

    [ContractFact]
    public async Task Stored_memory_reads_back_with_every_field()
    {
        var memory = await Memory("my dog is called Rex", Speaker.User, "s1", T0, new() { ["mood"] = "happy" });
        await Store.UpsertAsync([memory], default);

        var read = await Store.GetAsync(memory.Entry.Id, default);

        Assert.NotNull(read);
        Assert.Equal(memory.Entry.Text, read.Text);
        Assert.Equal(Speaker.User, read.Speaker);
        Assert.Equal("s1", read.SessionId);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Equal("happy", read.Metadata["mood"]);
    }

    [ContractFact]
    public async Task Unknown_id_reads_as_null()
    {
        Assert.Null(await Store.GetAsync(Guid.NewGuid(), default));
    }

    [ContractFact]
    public async Task Search_ranks_the_closest_memory_first_with_its_cosine_score()
    {
        var rex = await Memory("my dog is called Rex");
        await Store.UpsertAsync([
            await Memory("I had pizza for lunch"),
            rex,
            await Memory("my cat is called Tom"),
            await Memory("the weather is rainy today"),
        ], default);
        var query = LexicalEmbedder.Embed("what is my dog's name?");

        var hits = await Store.SearchAsync(query, 4, MemoryFilter.None, default);

        Assert.Equal(4, hits.Count);
        Assert.Equal(rex.Entry.Id, hits[0].Entry.Id);
        Assert.Equal(TensorPrimitives.CosineSimilarity(query, rex.Vector), hits[0].Score, 4);
        Assert.True(hits.Zip(hits.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score), "hits are not best first");
    }

    [ContractFact]
    public async Task Search_returns_at_most_k_hits()
    {
        await Store.UpsertAsync([await Memory("one apple"), await Memory("two apples"), await Memory("three apples")], default);

        var hits = await Store.SearchAsync(LexicalEmbedder.Embed("apples"), 2, MemoryFilter.None, default);

        Assert.Equal(2, hits.Count);
    }

    [ContractFact]
    public async Task Search_filters_by_session_role_time_range_and_minimum_score()
    {
        var inSession = await Memory("tea with lemon", Speaker.User, "kitchen", T0.AddHours(1));
        var otherSession = await Memory("tea with milk", Speaker.User, "garden", T0.AddHours(1));
        var assistant = await Memory("tea with honey", Speaker.Assistant, "kitchen", T0.AddHours(1));
        var early = await Memory("tea with sugar", Speaker.User, "kitchen", T0);
        var unrelated = await Memory("the train leaves at nine", Speaker.User, "kitchen", T0.AddHours(1));
        await Store.UpsertAsync([inSession, otherSession, assistant, early, unrelated], default);
        var filter = new MemoryFilter("kitchen", Speaker.User, T0.AddMinutes(30), T0.AddHours(2), MinScore: 0.2f);

        var hits = await Store.SearchAsync(LexicalEmbedder.Embed("tea"), 10, filter, default);

        Assert.Equal([inSession.Entry.Id], hits.Select(h => h.Entry.Id));
    }

    [ContractFact]
    public async Task Time_range_includes_created_after_and_excludes_created_before()
    {
        var atStart = await Memory("soup at the start", createdAt: T0);
        var atEnd = await Memory("soup at the end", createdAt: T0.AddHours(1));
        await Store.UpsertAsync([atStart, atEnd], default);

        var hits = await Store.SearchAsync(LexicalEmbedder.Embed("soup"), 10, new MemoryFilter(CreatedAfter: T0, CreatedBefore: T0.AddHours(1)), default);

        Assert.Equal([atStart.Entry.Id], hits.Select(h => h.Entry.Id));
    }

    [ContractFact]
    public async Task Upsert_with_an_existing_id_replaces_the_memory()
    {
        var original = await Memory("my favourite colour is red");
        await Store.UpsertAsync([original], default);
        var replacement = original with
        {
            Entry = original.Entry with { Text = "my favourite colour is blue" },
            Vector = LexicalEmbedder.Embed("my favourite colour is blue"),
        };

        await Store.UpsertAsync([replacement], default);

        Assert.Equal("my favourite colour is blue", (await Store.GetAsync(original.Entry.Id, default))!.Text);
        Assert.Equal(1, (await Store.GetFiguresAsync(default)).Count);
        var hits = await Store.SearchAsync(LexicalEmbedder.Embed("blue"), 10, MemoryFilter.None, default);
        Assert.Single(hits);
    }

    [ContractFact]
    public async Task Delete_removes_one_memory_and_counts_an_unknown_id_as_zero()
    {
        var kept = await Memory("keep this");
        var removed = await Memory("remove this");
        await Store.UpsertAsync([kept, removed], default);

        Assert.Equal(1, await Store.DeleteAsync(removed.Entry.Id, default));
        Assert.Equal(0, await Store.DeleteAsync(removed.Entry.Id, default));

        Assert.Null(await Store.GetAsync(removed.Entry.Id, default));
        var hits = await Store.SearchAsync(LexicalEmbedder.Embed("this"), 10, MemoryFilter.None, default);
        Assert.Equal([kept.Entry.Id], hits.Select(h => h.Entry.Id));
    }

    [ContractFact]
    public async Task Deleting_a_session_removes_only_its_memories()
    {
        await Store.UpsertAsync([
            await Memory("first in a", sessionId: "a"),
            await Memory("second in a", sessionId: "a"),
            await Memory("only in b", sessionId: "b"),
        ], default);

        Assert.Equal(2, await Store.DeleteSessionAsync("a", default));

        var left = await Store.ExportAsync(default).ToListAsync();
        Assert.Equal(["only in b"], left.Select(e => e.Text));
    }

    [ContractFact]
    public async Task Export_streams_every_memory_oldest_first()
    {
        await Store.UpsertAsync([
            await Memory("middle", createdAt: T0.AddMinutes(1)),
            await Memory("newest", createdAt: T0.AddMinutes(2)),
            await Memory("oldest", createdAt: T0),
        ], default);

        var exported = await Store.ExportAsync(default).ToListAsync();

        Assert.Equal(["oldest", "middle", "newest"], exported.Select(e => e.Text));
    }

    [ContractFact]
    public async Task Figures_count_the_memories_and_name_the_oldest_and_newest()
    {
        Assert.Equal(0, (await Store.GetFiguresAsync(default)).Count);
        await Store.UpsertAsync([
            await Memory("a", createdAt: T0.AddDays(1)),
            await Memory("b", createdAt: T0),
            await Memory("c", createdAt: T0.AddDays(2)),
        ], default);

        var figures = await Store.GetFiguresAsync(default);

        Assert.Equal(3, figures.Count);
        Assert.Equal(T0, figures.Oldest);
        Assert.Equal(T0.AddDays(2), figures.Newest);
        Assert.True(figures.SizeBytes > 0, "size is zero");
    }

    [ContractFact]
    public async Task Reopening_answers_the_embedder_the_collection_was_made_with()
    {
        await Store.UpsertAsync([await Memory("persist me")], default);
        await Store.DisposeAsync();
        store = CreateStore();

        var stored = await Store.OpenAsync(new EmbedderIdentity("another-embedder", 96), default);

        Assert.Equal(Lexical, stored);
        Assert.Equal("persist me", (await Store.ExportAsync(default).SingleAsync()).Text);
    }

    [ContractFact]
    public async Task A_re_embedding_keeps_the_live_vectors_until_complete_then_swaps_them_all_at_once()
    {
        var rex = await Memory("my dog is called Rex");
        var pizza = await Memory("I had pizza for lunch");
        await Store.UpsertAsync([rex, await Memory("my cat is called Tom"), pizza], default);
        IEmbedder folded = new FoldedEmbedder();
        var target = new EmbedderIdentity(folded.Name, folded.Dimension);

        await Store.BeginReembeddingAsync(target, default);
        Assert.Equal(new ReembeddingProgress(target, 0, 3), await Store.GetReembeddingAsync(default));
        var next = await Store.NextToReembedAsync(10, default);
        Assert.Equal(3, next.Count);
        // Deleted while its new vector was being made: the vector must not bring it back.
        await Store.DeleteAsync(pizza.Entry.Id, default);
        Assert.False(await Store.CompleteReembeddingAsync(default));
        await Store.AddReembeddedAsync(await Task.WhenAll(next.Select(async n => (n.Id, await folded.EmbedAsync(n.Text, default)))), default);

        var lexicalQuery = await embedder.EmbedAsync("what is my dog's name?", default);
        Assert.Equal(rex.Entry.Id, (await Store.SearchAsync(lexicalQuery, 1, MemoryFilter.None, default, Lexical)).Single().Entry.Id);
        Assert.Equal(new ReembeddingProgress(target, 2, 2), await Store.GetReembeddingAsync(default));
        Assert.True(await Store.CompleteReembeddingAsync(default));

        Assert.Null(await Store.GetReembeddingAsync(default));
        var foldedQuery = await folded.EmbedAsync("what is my dog's name?", default);
        Assert.Equal(rex.Entry.Id, (await Store.SearchAsync(foldedQuery, 1, MemoryFilter.None, default, target)).Single().Entry.Id);
        await Assert.ThrowsAsync<StaleQueryException>(() => Store.SearchAsync(lexicalQuery, 1, MemoryFilter.None, default, Lexical));
        Assert.Equal(2, await Store.ExportAsync(default).CountAsync());
        Assert.Null(await Store.GetAsync(pizza.Entry.Id, default));
        await Store.DisposeAsync();
        store = CreateStore();
        Assert.Equal(target, await Store.OpenAsync(Lexical, default));
    }

    [ContractFact]
    public async Task A_re_embedding_survives_reopening_and_goes_on_where_it_was()
    {
        var first = await Memory("first memory", createdAt: T0);
        var second = await Memory("second memory", createdAt: T0.AddMinutes(1));
        await Store.UpsertAsync([first, second], default);
        IEmbedder folded = new FoldedEmbedder();
        var target = new EmbedderIdentity(folded.Name, folded.Dimension);
        await Store.BeginReembeddingAsync(target, default);
        await Store.AddReembeddedAsync([(first.Entry.Id, await folded.EmbedAsync(first.Entry.Text, default))], default);
        await Store.DisposeAsync();
        store = CreateStore();

        Assert.Equal(Lexical, await Store.OpenAsync(Lexical, default));
        Assert.Equal(new ReembeddingProgress(target, 1, 2), await Store.GetReembeddingAsync(default));
        await Store.BeginReembeddingAsync(target, default);
        Assert.Equal(second.Entry.Id, Assert.Single(await Store.NextToReembedAsync(10, default)).Id);
    }

    [ContractFact]
    public async Task Abandoning_a_re_embedding_drops_its_vectors_and_keeps_the_live_ones()
    {
        var rex = await Memory("my dog is called Rex");
        await Store.UpsertAsync([rex], default);
        IEmbedder folded = new FoldedEmbedder();
        await Store.BeginReembeddingAsync(new EmbedderIdentity(folded.Name, folded.Dimension), default);
        await Store.AddReembeddedAsync([(rex.Entry.Id, await folded.EmbedAsync(rex.Entry.Text, default))], default);

        await Store.AbandonReembeddingAsync(default);

        Assert.Null(await Store.GetReembeddingAsync(default));
        var query = await embedder.EmbedAsync("my dog is called Rex", default);
        Assert.Equal(rex.Entry.Id, (await Store.SearchAsync(query, 1, MemoryFilter.None, default, Lexical)).Single().Entry.Id);
    }

    protected async Task<EmbeddedMemory> Memory(
        string text,
        Speaker speaker = Speaker.Note,
        string sessionId = "",
        DateTimeOffset? createdAt = null,
        Dictionary<string, string>? metadata = null) =>
        new(new MemoryEntry(Guid.NewGuid(), text, speaker, sessionId, createdAt ?? T0, metadata ?? []),
            await embedder.EmbedAsync(text, default));
}
