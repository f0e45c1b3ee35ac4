using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Storage;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// The embedder changed: the service re-embeds the stored text in the background, answers searches from the old
/// vectors until the new ones are complete, reports progress, and applies deletes made meanwhile.
/// </summary>
public sealed class ReembeddingTests : IAsyncLifetime
{
    private static readonly string[] Texts = ["my dog is called Rex", "I had pizza for lunch", "my sister lives in Osaka"];

    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("tomodachi-memory-reembed-");
    private readonly GatedEmbedder gated = new();
    private readonly List<Guid> ids = [];
    private MemoryServiceFactory? service;

    private MemoryService.MemoryServiceClient Client => service!.Client;

    public async Task InitializeAsync()
    {
        // Memories written by the lexical embedder, which the service can still run to search them meanwhile.
        var lexical = new LexicalEmbedder();
        await using (var store = new EmbeddedMemoryStore(
            Options.Create(new MemoryOptions { DataDirectory = dataDirectory.FullName }), NullLogger<EmbeddedMemoryStore>.Instance))
        {
            await store.OpenAsync(new EmbedderIdentity(lexical.Name, lexical.Dimension), default);
            var memories = new List<EmbeddedMemory>();
            foreach (var (text, i) in Texts.Select((t, i) => (t, i)))
            {
                var entry = new MemoryEntry(Guid.NewGuid(), text, Speaker.User, "", MemoryServiceFactory.Start.AddMinutes(i), new Dictionary<string, string>());
                memories.Add(new EmbeddedMemory(entry, await lexical.EmbedAsync(text, default)));
            }

            await store.UpsertAsync(memories, default);
            ids.AddRange(memories.Select(m => m.Entry.Id));
        }

        service = MemoryServiceFactory.ForDirectory(dataDirectory.FullName);
        service.ReplaceServices = services => services.AddSingleton<IEmbedderProvider>(gated);
    }

    public async Task DisposeAsync()
    {
        gated.Open();
        if (service is not null)
        {
            await service.DisposeAsync();
        }

        dataDirectory.Delete(recursive: true);
    }

    [Fact]
    public async Task Searches_answer_from_the_old_vectors_while_the_new_ones_are_made_and_the_stats_show_progress()
    {
        var stats = (await Client.GetStatsAsync(new GetStatsRequest())).Stats;
        await gated.Waiting.WaitAsync(TimeSpan.FromSeconds(60));

        var hits = (await Client.SearchAsync(Search("where does my sister live?", k: 1))).Hits;
        var during = (await Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Equal(ids[2].ToString(), Assert.Single(hits).Memory.Id);
        Assert.Equal(gated.Name, stats.Embedder);
        Assert.Equal(new V1.ReembeddingProgress { TargetEmbedder = gated.Name, TargetDimension = 96, Done = 0, Total = 3 }, during.Reembedding);
        Assert.Equal("", during.Problem);
        using var http = service!.CreateClient();
        Assert.Equal("Healthy", await http.GetStringAsync("/health"));
    }

    [Fact]
    public async Task Once_complete_searches_use_the_new_vectors_and_a_memory_deleted_meanwhile_stays_deleted()
    {
        await Client.GetStatsAsync(new GetStatsRequest());
        await gated.Waiting.WaitAsync(TimeSpan.FromSeconds(60));
        await Client.DeleteAsync(new DeleteRequest { Id = ids[1].ToString() });
        var added = await Client.StoreAsync(Store("my brother plays the cello"));

        gated.Open();
        var stats = await WaitUntilReembeddedAsync();
        var hits = (await Client.SearchAsync(Search("my sister lives in Osaka", k: 5))).Hits;

        Assert.Equal(3ul, stats.Count);
        Assert.Equal(96u, stats.Dimension);
        Assert.Equal(ids[2].ToString(), hits[0].Memory.Id);
        // The folded embedder gives the identical text cosine 1; the lexical one would too, but over 384 dimensions.
        Assert.Equal(1f, hits[0].Score, 4);
        Assert.Contains(hits, h => h.Memory.Id == added.Id);
        Assert.DoesNotContain(hits, h => h.Memory.Id == ids[1].ToString());
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.GetAsync(new GetRequest { Id = ids[1].ToString() }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Reindex_waits_for_the_re_embedding_and_counts_the_memories()
    {
        await Client.GetStatsAsync(new GetStatsRequest());
        gated.Open();

        var reply = await Client.ReindexAsync(new ReindexRequest());

        Assert.Equal(3ul, reply.ReindexedCount);
        Assert.Null((await Client.GetStatsAsync(new GetStatsRequest())).Stats.Reembedding);
    }

    private async Task<MemoryStats> WaitUntilReembeddedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = Client.WatchStats(new WatchStatsRequest(), cancellationToken: timeout.Token);
        await foreach (var update in watch.ResponseStream.ReadAllAsync(timeout.Token))
        {
            if (update.Stats.Reembedding is null)
            {
                return update.Stats;
            }
        }

        throw new InvalidOperationException("The stats stream ended before the re-embedding completed.");
    }
}
