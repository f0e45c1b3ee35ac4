using Grpc.Core;
using Tomodachi.Memory.Tests.Embeddings;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>The service with <c>Memory:EmbeddingModel</c> set: a usable GGUF, a missing one, and a file that is not GGUF.</summary>
public sealed class ModelEmbedderServiceTests
{
    private static readonly string[] Texts = ["my dog is called Rex", "I had pizza for lunch", "my sister lives in Osaka"];

    [Fact]
    public async Task Store_and_Search_work_with_the_model_and_the_stats_name_it()
    {
        await using var service = WithModel(await TestEmbeddingModel.PathAsync());
        var ids = new List<string>();
        foreach (var text in Texts)
        {
            ids.Add((await service.Client.StoreAsync(Store(text))).Id);
        }

        var hits = (await service.Client.SearchAsync(Search(Texts[1], k: 3))).Hits;
        var stats = (await service.Client.GetStatsAsync(new GetStatsRequest())).Stats;

        // The same text embeds to the same unit vector, so its own memory comes first with cosine 1.
        Assert.Equal(3, hits.Count);
        Assert.Equal(ids[1], hits[0].Memory.Id);
        Assert.Equal(1f, hits[0].Score, 4);
        Assert.Equal(TestEmbeddingModel.EmbedderName, stats.Embedder);
        Assert.Equal((uint)TestEmbeddingModel.EmbeddingLength, stats.Dimension);
        Assert.Equal("", stats.Problem);
    }

    [Fact]
    public async Task Concurrent_Store_and_Search_calls_all_succeed_with_the_model()
    {
        await using var service = WithModel(await TestEmbeddingModel.PathAsync());

        var stores = Enumerable.Range(0, 16).Select(i => service.Client.StoreAsync(Store($"memory {i} about day {i}")).ResponseAsync);
        var searches = Enumerable.Range(0, 16).Select(i => service.Client.SearchAsync(Search($"day {i}")).ResponseAsync);
        await Task.WhenAll([.. stores, .. searches]);

        Assert.Equal(16ul, (await service.Client.GetStatsAsync(new GetStatsRequest())).Stats.Count);
        var own = (await service.Client.SearchAsync(Search("memory 7 about day 7", k: 1))).Hits;
        Assert.Equal("memory 7 about day 7", Assert.Single(own).Memory.Text);
    }

    [Fact]
    public async Task A_missing_model_keeps_the_service_up_refusing_work_with_FailedPrecondition_and_the_reason()
    {
        var missing = TestEmbeddingModel.ScratchPath("missing.gguf");
        await using var service = WithModel(missing);
        using var http = service.CreateClient();

        await VectorWorkRefusals.AssertRefusedAsync(service.Client, "Memory:EmbeddingModel", $"'{missing}' does not exist");
        var stats = (await service.Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Contains("does not exist", stats.Problem);
        Assert.Equal(missing, stats.Embedder);
        Assert.Equal("Degraded", await http.GetStringAsync("/health"));
    }

    [Fact]
    public async Task A_file_that_is_not_GGUF_is_refused_with_FailedPrecondition_saying_so()
    {
        var notGguf = TestEmbeddingModel.ScratchPath("notes.gguf");
        await File.WriteAllTextAsync(notGguf, "these are my notes, not a model");
        try
        {
            await using var service = WithModel(notGguf);

            var error = await Assert.ThrowsAsync<RpcException>(() => service.Client.SearchAsync(Search("hello")).ResponseAsync);

            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Contains("Not a GGUF model file", error.Status.Detail);
        }
        finally
        {
            File.Delete(notGguf);
        }
    }

    [Fact]
    public async Task An_hf_model_that_cannot_be_downloaded_is_refused_with_FailedPrecondition_naming_the_spec()
    {
        await using var service = WithModel("hf:owner/embeddings-GGUF/model-q8_0.gguf");
        service.Settings["Memory:ModelCache"] = Path.GetDirectoryName(TestEmbeddingModel.ScratchPath("cache"));
        // Nothing listens there: the download fails at once, and with one attempt it gives up at once.
        service.Settings["Memory:Download:BaseUrl"] = $"http://127.0.0.1:{LoopbackPort.Free()}";
        service.Settings["Memory:Download:MaxAttempts"] = "1";

        var error = await Assert.ThrowsAsync<RpcException>(() => service.Client.StoreAsync(Store("hello")).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("'hf:owner/embeddings-GGUF/model-q8_0.gguf' (Memory:EmbeddingModel) cannot be used: Downloading", error.Status.Detail);
    }

    [Fact]
    public async Task Switching_from_the_lexical_embedder_to_a_model_re_embeds_with_the_model_while_searches_keep_answering()
    {
        var directory = Directory.CreateTempSubdirectory("tomodachi-memory-switch-");
        try
        {
            var ids = new List<string>();
            await using (var lexical = MemoryServiceFactory.ForDirectory(directory.FullName))
            {
                lexical.Settings["Memory:Embedder"] = "Lexical";
                foreach (var text in Texts)
                {
                    ids.Add((await lexical.Client.StoreAsync(Store(text))).Id);
                }
            }

            await using var model = MemoryServiceFactory.ForDirectory(directory.FullName);
            model.Settings["Memory:Embedder"] = "Gguf";
            model.Settings["Memory:EmbeddingModel"] = await TestEmbeddingModel.PathAsync();

            var meanwhile = (await model.Client.SearchAsync(Search(Texts[2], k: 1))).Hits;
            var reindexed = await model.Client.ReindexAsync(new ReindexRequest());
            var hits = (await model.Client.SearchAsync(Search(Texts[2], k: 1))).Hits;
            var stats = (await model.Client.GetStatsAsync(new GetStatsRequest())).Stats;

            Assert.Equal(ids[2], Assert.Single(meanwhile).Memory.Id);
            Assert.Equal(3ul, reindexed.ReindexedCount);
            Assert.Equal(ids[2], Assert.Single(hits).Memory.Id);
            Assert.Equal(1f, hits[0].Score, 4);
            Assert.Equal(TestEmbeddingModel.EmbedderName, stats.Embedder);
            Assert.Null(stats.Reembedding);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static MemoryServiceFactory WithModel(string modelPath)
    {
        var service = new MemoryServiceFactory();
        service.Settings["Memory:Embedder"] = "Gguf";
        service.Settings["Memory:EmbeddingModel"] = modelPath;
        return service;
    }
}
