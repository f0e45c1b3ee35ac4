using Grpc.Core;
using Tomodachi.Inference.Tests.Download;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Tests;

/// <summary>ListModels, PullModel and DeleteModel over a model folder and a cache of the test's own.</summary>
public sealed class ModelManagementTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tomodachi-models-").FullName;
    private readonly string _cache = Directory.CreateTempSubdirectory("tomodachi-cache-").FullName;
    private ModelFileServer _hub = null!;
    private InferenceApp _app = null!;

    private InferenceService.InferenceServiceClient Client => _app.Client;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "family"));
        File.Copy(await TestModels.TinyAsync(), Path.Combine(_folder, "family", "tiny.gguf"));
        File.Copy(await TestModels.OtherTinyAsync(), Path.Combine(_folder, "other.gguf"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "notes.gguf"), "not a model");
        await GgufWriter.WriteLoraAsync(TestModels.TinySpec, rank: 4, Path.Combine(_folder, "adapter.gguf"), CancellationToken.None);
        _hub = await ModelFileServer.StartAsync(content: await File.ReadAllBytesAsync(await TestModels.TinyAsync()));
        _app = new InferenceApp(new Dictionary<string, string?>
        {
            ["Inference:ModelCache"] = _cache,
            ["Inference:ModelFolders:0"] = _folder,
            ["Inference:Download:BaseUrl"] = _hub.BaseUrl.ToString(),
            ["Inference:Download:RetryDelay"] = "00:00:00",
            ["Inference:Download:StallTimeout"] = "00:00:30",
        });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _hub.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_cache, recursive: true);
    }

    [Fact]
    public async Task ListModels_lists_the_folders_models_with_their_headers_and_which_is_loaded()
    {
        await Client.LoadModelAsync(new LoadModelRequest { Path = "family/tiny" });

        var list = await Client.ListModelsAsync(new ListModelsRequest());

        Assert.Equal([_cache, _folder], list.Folders);
        var models = list.Models.ToDictionary(m => m.Name);
        Assert.Equal(["family/tiny", "notes", "other"], models.Keys.Order());
        var tiny = models["family/tiny"];
        Assert.Equal((Path.Combine(_folder, "family", "tiny.gguf"), "llama", "F32", (ulong)TestModels.TinySpec.ParameterCount, true, ""),
            (tiny.Path, tiny.Architecture, tiny.Quantization, tiny.ParameterCount, tiny.Loaded, tiny.Error));
        Assert.Equal((ulong)new FileInfo(tiny.Path).Length, tiny.SizeBytes);
        Assert.False(models["other"].Loaded);
        Assert.Contains("Not a GGUF", models["notes"].Error);
    }

    [Fact]
    public async Task A_model_is_loaded_by_its_listed_name()
    {
        var loaded = (await Client.LoadModelAsync(new LoadModelRequest { Path = "other" })).Model;

        Assert.Equal((Path.Combine(_folder, "other.gguf"), true), (loaded.Path, loaded.Loaded));
    }

    [Fact]
    public async Task DeleteModel_never_deletes_the_loaded_model_and_deletes_another_one()
    {
        await Client.LoadModelAsync(new LoadModelRequest { Path = "family/tiny" });

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteModelAsync(new DeleteModelRequest { Name = "family/tiny" }).ResponseAsync);
        var deleted = (await Client.DeleteModelAsync(new DeleteModelRequest { Name = "other" })).Model;
        var names = (await Client.ListModelsAsync(new ListModelsRequest())).Models.Select(m => m.Name);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("loaded model", refused.Status.Detail);
        Assert.True(File.Exists(Path.Combine(_folder, "family", "tiny.gguf")));
        Assert.Equal(("other", "llama"), (deleted.Name, deleted.Architecture));
        Assert.False(File.Exists(Path.Combine(_folder, "other.gguf")));
        Assert.DoesNotContain("other", names);
    }

    [Theory]
    [InlineData("/etc/hostname", StatusCode.PermissionDenied)]
    [InlineData("../../etc/hostname", StatusCode.PermissionDenied)]
    [InlineData("no-such-model", StatusCode.NotFound)]
    [InlineData("", StatusCode.InvalidArgument)]
    public async Task DeleteModel_of_anything_but_a_model_in_the_folders_is_refused(string name, StatusCode expected)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteModelAsync(new DeleteModelRequest { Name = name }).ResponseAsync);

        Assert.Equal(expected, refused.StatusCode);
        Assert.True(File.Exists("/etc/hostname"));
    }

    [Fact]
    public async Task PullModel_streams_progress_then_the_verified_model_which_loads_by_name()
    {
        using var pull = Client.PullModel(new PullModelRequest { Reference = ModelFileServer.Spec }, deadline: DateTime.UtcNow.AddMinutes(2));
        var events = await pull.ResponseStream.ToListAsync(10_000);
        var loaded = (await Client.LoadModelAsync(new LoadModelRequest { Path = events[^1].Model.Name })).Model;

        var progress = events.Where(e => e.EventCase == PullModelResponse.EventOneofCase.Progress).Select(e => e.Progress).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal((ModelFileServer.Spec, (ulong)_hub.Content.Length), (p.Spec, p.TotalBytes)));
        Assert.Equal(progress.Select(p => p.BytesReceived).Order(), progress.Select(p => p.BytesReceived));
        Assert.Equal(DownloadPhase.Completed, progress[^1].Phase);
        var model = events[^1].Model;
        Assert.Equal(("tomodachi-test/tiny-model/tiny.Q8_0", "llama"), (model.Name, model.Architecture));
        Assert.Equal(Path.Combine(_cache, "tomodachi-test", "tiny-model", "tiny.Q8_0.gguf"), model.Path);
        Assert.True(loaded.Loaded);
        Assert.Equal(model.Path, loaded.Path);
    }

    [Theory]
    [InlineData("hf:tomodachi-test/tiny-model/missing.gguf", StatusCode.NotFound)]
    [InlineData("hf:tomodachi-test/tiny-model@v0/tiny.Q8_0.gguf", StatusCode.NotFound)]
    [InlineData("hf:tomodachi-test/../tiny.gguf", StatusCode.InvalidArgument)]
    [InlineData("/etc/hostname", StatusCode.InvalidArgument)]
    [InlineData("", StatusCode.InvalidArgument)]
    public async Task PullModel_of_a_missing_or_malformed_reference_is_refused_naming_it(string reference, StatusCode expected)
    {
        using var pull = Client.PullModel(new PullModelRequest { Reference = reference }, deadline: DateTime.UtcNow.AddMinutes(1));

        var refused = await Assert.ThrowsAsync<RpcException>(() => pull.ResponseStream.ToListAsync(10_000));

        Assert.Equal(expected, refused.StatusCode);
        Assert.Contains(expected == StatusCode.NotFound ? reference : "hf:<owner>/<repo>", refused.Status.Detail);
        Assert.Empty(Directory.EnumerateFiles(_cache, "*.gguf", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_cancelled_pull_keeps_what_arrived_and_the_next_pull_resumes_it()
    {
        _hub.StallConnections(count: 1, bytes: 100_000);
        var part = Path.Combine(_cache, "tomodachi-test", "tiny-model", "tiny.Q8_0.gguf.part");
        using (var cancel = new CancellationTokenSource())
        {
            using var pull = Client.PullModel(new PullModelRequest { Reference = ModelFileServer.Spec }, cancellationToken: cancel.Token);
            // Wait, bounded in messages, for the first bytes to arrive; then leave.
            for (var i = 0; i < 1_000 && await pull.ResponseStream.MoveNext(cancel.Token) && pull.ResponseStream.Current.Progress.BytesReceived == 0; i++)
            {
            }

            await cancel.CancelAsync();
        }

        await WaitUntilAsync(() => File.Exists(part) && _hub.Requests.Count == 1);
        using var again = Client.PullModel(new PullModelRequest { Reference = ModelFileServer.Spec }, deadline: DateTime.UtcNow.AddMinutes(2));
        var events = await again.ResponseStream.ToListAsync(10_000);

        Assert.Equal(PullModelResponse.EventOneofCase.Model, events[^1].EventCase);
        Assert.StartsWith("bytes=", _hub.Requests.Last());
        Assert.Equal(_hub.Content, await File.ReadAllBytesAsync(events[^1].Model.Path));
        Assert.False(File.Exists(part));
    }

    [Theory]
    [InlineData("/etc/hostname", "")]
    [InlineData("", "/etc/passwd")]
    [InlineData("../../../etc/hostname", "")]
    public async Task CompareAdapter_reads_no_adapter_or_prompt_suite_outside_the_model_folders(string adapter, string suite)
    {
        using var call = _app.Tuning.CompareAdapter(new Tomodachi.Tuning.V1.CompareAdapterRequest { AdapterPath = adapter, PromptSuitePath = suite },
            deadline: DateTime.UtcNow.AddMinutes(1));

        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.ToListAsync(1_000));
        var last = await Assert.ThrowsAsync<RpcException>(() => _app.Tuning.GetLastComparisonAsync(new Tomodachi.Tuning.V1.GetLastComparisonRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("outside the model folders", refused.Status.Detail);
        Assert.Equal(StatusCode.NotFound, last.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition());
    }
}
