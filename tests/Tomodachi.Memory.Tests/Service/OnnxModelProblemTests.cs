using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Tests.Embeddings;
using Tomodachi.Memory.V1;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// The packaged model's file missing, not an assembly, or cut short: the service starts, the stats and health say why,
/// and vector work answers FailedPrecondition with the reason.
/// </summary>
public sealed class OnnxModelProblemTests : IDisposable
{
    private readonly DirectoryInfo models = Directory.CreateTempSubdirectory("tomodachi-onnx-models-");

    private string ModelFile => Path.Combine(models.FullName, SentenceModel.MiniLm.AssemblyFile);

    [Fact]
    public async Task A_missing_model_file_keeps_the_service_up_and_refuses_Store_Search_and_Embed_saying_so()
    {
        await AssertRefusedAsync("does not exist");
    }

    [Fact]
    public async Task A_file_that_is_not_an_assembly_is_refused_saying_so()
    {
        await File.WriteAllTextAsync(ModelFile, "not a model at all");

        await AssertRefusedAsync("is not a .NET assembly");
    }

    [Fact]
    public async Task A_model_file_cut_short_is_refused_saying_so()
    {
        await using (var source = File.OpenRead(PackagedSentenceModel.AssemblyPath))
        await using (var target = File.Create(ModelFile))
        {
            var half = new byte[source.Length / 2];
            await source.ReadExactlyAsync(half);
            await target.WriteAsync(half);
        }

        await AssertRefusedAsync("cut short");
    }

    public void Dispose() => models.Delete(recursive: true);

    private async Task AssertRefusedAsync(string reason)
    {
        await using var service = new MemoryServiceFactory();
        service.Settings["Memory:OnnxModelDirectory"] = models.FullName;
        using var http = service.CreateClient();

        await VectorWorkRefusals.AssertRefusedAsync(service.Client, "'onnx:all-MiniLM-L6-v2'", reason);
        var stats = (await service.Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Contains(reason, stats.Problem);
        Assert.Equal("Degraded", await http.GetStringAsync("/health"));
    }
}
