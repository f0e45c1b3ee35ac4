using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Storage;
using Tomodachi.Memory.Tests.Contract;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// A store written by another embedder: the service stays up, refuses vector work with FailedPrecondition
/// and a message that says what to do, and Reindex repairs it.
/// </summary>
public sealed class EmbedderMismatchTests : IAsyncLifetime
{
    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("tomodachi-memory-mismatch-");
    private MemoryServiceFactory? service;
    private Guid rexId;

    private MemoryService.MemoryServiceClient Client => service!.Client;

    public async Task InitializeAsync()
    {
        IEmbedder folded = new FoldedEmbedder();
        await using (var store = new EmbeddedMemoryStore(
            Options.Create(new MemoryOptions { DataDirectory = dataDirectory.FullName }), NullLogger<EmbeddedMemoryStore>.Instance))
        {
            await store.OpenAsync(new EmbedderIdentity(folded.Name, folded.Dimension), default);
            var memories = new List<EmbeddedMemory>();
            foreach (var text in new[] { "my dog is called Rex", "I had pizza for lunch" })
            {
                var entry = new MemoryEntry(Guid.NewGuid(), text, Speaker.User, "", MemoryServiceFactory.Start, new Dictionary<string, string>());
                memories.Add(new EmbeddedMemory(entry, await folded.EmbedAsync(text, default)));
            }

            await store.UpsertAsync(memories, default);
            rexId = memories[0].Entry.Id;
        }

        service = MemoryServiceFactory.ForDirectory(dataDirectory.FullName);
        service.Settings["Memory:Embedder"] = "Lexical";
    }

    public async Task DisposeAsync()
    {
        if (service is not null)
        {
            await service.DisposeAsync();
        }

        dataDirectory.Delete(recursive: true);
    }

    [Fact]
    public async Task Search_and_Store_answer_FailedPrecondition_naming_both_embedders()
    {
        var search = await Assert.ThrowsAsync<RpcException>(() => Client.SearchAsync(Search("dog")).ResponseAsync);
        var store = await Assert.ThrowsAsync<RpcException>(() => Client.StoreAsync(Store("new memory")).ResponseAsync);

        foreach (var error in new[] { search, store })
        {
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Contains("'lexical-hash-v1-folded' (96 dimensions)", error.Status.Detail);
            Assert.Contains("'lexical-hash-v1' (384 dimensions)", error.Status.Detail);
            Assert.Contains("Call Reindex", error.Status.Detail);
        }
    }

    [Fact]
    public async Task Stats_and_reads_keep_working_and_the_stats_name_the_problem()
    {
        var stats = (await Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Equal(2ul, stats.Count);
        Assert.Contains("Call Reindex", stats.Problem);
        Assert.Equal("my dog is called Rex", (await Client.GetAsync(new GetRequest { Id = rexId.ToString() })).Memory.Text);
    }

    [Fact]
    public async Task Health_is_degraded_until_Reindex_repairs_the_store()
    {
        using var http = service!.CreateClient();

        var before = await http.GetStringAsync("/health");
        await Client.ReindexAsync(new ReindexRequest());
        var after = await http.GetStringAsync("/health");

        Assert.Equal("Degraded", before);
        Assert.Equal("Healthy", after);
    }

    [Fact]
    public async Task Reindex_re_embeds_every_memory_and_searches_work_again()
    {
        var reindexed = await Client.ReindexAsync(new ReindexRequest());

        Assert.Equal(2ul, reindexed.ReindexedCount);
        var hits = (await Client.SearchAsync(Search("what is my dog's name?", k: 1))).Hits;
        Assert.Equal(rexId.ToString(), Assert.Single(hits).Memory.Id);
        Assert.Equal("", (await Client.GetStatsAsync(new GetStatsRequest())).Stats.Problem);
    }
}
