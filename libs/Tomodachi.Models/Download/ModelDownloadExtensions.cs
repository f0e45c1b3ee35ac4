using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.Models.Download;

/// <summary>Registers the model resolver, the downloader behind it and the download progress.</summary>
public static class ModelDownloadExtensions
{
    /// <summary>
    /// Binds <c>{serviceSection}:Download</c> and <c>{serviceSection}:ModelCache</c>, so every service that runs a
    /// model keeps its own settings while sharing the default cache, <c>~/.cache/tomodachi/models</c>.
    /// </summary>
    public static IHostApplicationBuilder AddModelDownloads(this IHostApplicationBuilder builder, string serviceSection)
    {
        builder.Services.AddOptions<ModelDownloadOptions>()
            .BindConfiguration($"{serviceSection}:{ModelDownloadOptions.SubsectionName}")
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.ServiceSection = serviceSection;
                if (configuration[$"{serviceSection}:{ModelDownloadOptions.ModelCacheName}"] is { Length: > 0 } cache)
                {
                    options.CacheDirectory = cache;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but the only way to opt out of the defaults.
        builder.Services.AddHttpClient(ModelDownloader.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            // A model takes minutes, not the default handler's 30 s; the downloader resumes by itself instead of
            // retrying from byte 0, and notices stalls with its own timeout.
            .RemoveAllResilienceHandlers();
        // What the hub publishes comes with its redirect to the file's storage, so this client must not follow it.
        builder.Services.AddHttpClient(HubMetadata.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ModelDownloadProgress>();
        builder.Services.AddSingleton<IModelDownloadProgress>(services => services.GetRequiredService<ModelDownloadProgress>());
        builder.Services.AddSingleton<HubMetadata>();
        builder.Services.AddSingleton<ModelDownloader>();
        builder.Services.AddSingleton<ModelResolver>();
        return builder;
    }
}
