using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Grpc;
using Tomodachi.Memory.Memories;
using Tomodachi.Memory.Storage;
using Tomodachi.Memory.Telemetry;
using Tomodachi.Models.Download;

namespace Tomodachi.Memory.Extensions;

/// <summary>Registers everything the Memory service needs.</summary>
public static class MemoryExtensions
{
    public const string TelemetrySourceName = "Tomodachi.Memory";
    public const string QdrantConnectionName = "qdrant";

    public static IHostApplicationBuilder AddMemoryServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.Services.AddGrpc().AddServiceOptions<MemoryGrpcService>(options => options.Interceptors.Add<MemoryExceptionInterceptor>());
        builder.AddTomodachiTelemetrySource(TelemetrySourceName);

        builder.Services.AddOptions<MemoryOptions>()
            .BindConfiguration(MemoryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddModelDownloads(MemoryOptions.SectionName);
        builder.Services.AddSingleton<IEmbedderProvider, ConfiguredEmbedderProvider>();
        builder.AddMemoryStore();
        builder.Services.AddSingleton<MemoryChangeFeed>();
        builder.Services.AddSingleton<MemoryMetrics>();
        builder.Services.AddSingleton<MemoryBank>();
        builder.Services.AddHostedService<MemoryStatsReporter>();
        builder.Services.AddHealthChecks().AddCheck<MemoryStoreHealthCheck>("memory-store");
        return builder;
    }

    /// <summary>Qdrant when <c>ConnectionStrings:qdrant</c> names a server, the embedded store otherwise.</summary>
    private static void AddMemoryStore(this IHostApplicationBuilder builder)
    {
        var qdrant = builder.Configuration.GetConnectionString(QdrantConnectionName);
        if (string.IsNullOrWhiteSpace(qdrant))
        {
            builder.Services.AddSingleton<IMemoryStore, EmbeddedMemoryStore>();
            return;
        }

        builder.Services.AddSingleton<IMemoryStore>(services => new QdrantMemoryStore(
            QdrantMemoryStore.CreateClient(qdrant, services.GetRequiredService<ILoggerFactory>()),
            services.GetRequiredService<IOptions<MemoryOptions>>().Value.QdrantCollection,
            services.GetRequiredService<ILogger<QdrantMemoryStore>>()));
    }
}
