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
        builder.Services.AddOptions<MemoryRetentionOptions>()
            .BindConfiguration(MemoryRetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddModelDownloads(MemoryOptions.SectionName);
        builder.Services.AddSingleton<IEmbedderProvider, ConfiguredEmbedderProvider>();
        builder.Services.AddSingleton<PreviousEmbedders>();
        builder.Services.AddSingleton<RetrievalTracker>();
        builder.AddMemoryStore();
        builder.Services.AddSingleton<MemoryChangeFeed>();
        builder.Services.AddSingleton<MemoryMetrics>();
        builder.Services.AddSingleton<MemoryBank>();
        builder.Services.AddHostedService<MemoryStatsReporter>();
        builder.Services.AddHostedService<ReembeddingWorker>();
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService<RetentionWorker>();
        builder.Services.AddHealthChecks().AddCheck<MemoryStoreHealthCheck>("memory-store");
        return builder;
    }

    /// <summary>Qdrant when <c>Memory:Backend</c> says so (and <c>ConnectionStrings:qdrant</c> names it), the embedded store otherwise.</summary>
    private static void AddMemoryStore(this IHostApplicationBuilder builder)
    {
        var backend = builder.Configuration.GetSection(MemoryOptions.SectionName).GetValue(nameof(MemoryOptions.Backend), MemoryBackend.Embedded);
        if (backend == MemoryBackend.Embedded)
        {
            builder.Services.AddSingleton<IMemoryStore, EmbeddedMemoryStore>();
            return;
        }

        var qdrant = builder.Configuration.GetConnectionString(QdrantConnectionName);
        if (string.IsNullOrWhiteSpace(qdrant))
        {
            throw new InvalidOperationException(
                $"Memory:Backend is Qdrant but ConnectionStrings:{QdrantConnectionName} is not set: name the server (Endpoint=http://host:6334 or a URL of its gRPC port), or set Memory:Backend=Embedded.");
        }

        builder.Services.AddSingleton<IMemoryStore>(services => new QdrantMemoryStore(
            QdrantMemoryStore.CreateClient(qdrant, services.GetRequiredService<ILoggerFactory>()),
            services.GetRequiredService<IOptions<MemoryOptions>>().Value.QdrantCollection,
            services.GetRequiredService<ILogger<QdrantMemoryStore>>(),
            services.GetRequiredService<TimeProvider>()));
    }
}
