using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Models.Download;

namespace Tomodachi.Inference.Tests.Download;

/// <summary>The resolver as the service registers it, with the shared HTTP client defaults in place.</summary>
public sealed class ModelDownloadServiceTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("tomodachi-models-svc-").FullName;
    private ModelFileServer server = null!;

    public async Task InitializeAsync() => server = await ModelFileServer.StartAsync();

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task The_service_downloads_an_hf_model_into_the_configured_cache_and_resumes_after_a_drop()
    {
        server.DropConnections(count: 1, bytes: 500_000);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Inference:Journal:Path", Path.Combine(directory, "journal.db"))
            .UseSetting("Inference:ModelCache", Path.Combine(directory, "models"))
            .UseSetting("Inference:Download:BaseUrl", server.BaseUrl.ToString())
            .UseSetting("Inference:Download:RetryDelay", "00:00:00")
            // This test resolves the model itself; no model (demo or other) is loaded at start-up.
            .UseSetting("Inference:LoadOnStartup", "false"));

        var path = await factory.Services.GetRequiredService<ModelResolver>().ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Equal(Path.Combine(directory, "models", "tomodachi-test", "tiny-model", "tiny.Q8_0.gguf"), path);
        Assert.Equal(SHA256.HashData(server.Content), SHA256.HashData(await File.ReadAllBytesAsync(path)));
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(ModelDownloadPhase.Completed, factory.Services.GetRequiredService<IModelDownloadProgress>().Current?.Phase);
    }

    [Fact]
    public void A_relative_model_cache_stops_the_service_at_start_up_with_a_clear_message()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Inference:Journal:Path", Path.Combine(directory, "journal.db"))
            .UseSetting("Inference:ModelCache", "models"));

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Inference:ModelCache must be an absolute directory path, not 'models'", error.Message);
    }
}
