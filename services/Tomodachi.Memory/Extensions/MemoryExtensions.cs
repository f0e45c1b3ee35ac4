using Microsoft.Extensions.DependencyInjection.Extensions;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Grpc;
using Tomodachi.Memory.Memories;
using Tomodachi.Memory.Storage;
using Tomodachi.Memory.Telemetry;

namespace Tomodachi.Memory.Extensions;

/// <summary>Registers everything the Memory service needs.</summary>
public static class MemoryExtensions
{
    public const string TelemetrySourceName = "Tomodachi.Memory";

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
        builder.Services.AddSingleton<IEmbedder, LexicalEmbedder>();
        builder.Services.AddSingleton<IMemoryStore, EmbeddedMemoryStore>();
        builder.Services.AddSingleton<MemoryChangeFeed>();
        builder.Services.AddSingleton<MemoryMetrics>();
        builder.Services.AddSingleton<MemoryBank>();
        builder.Services.AddHostedService<MemoryStatsReporter>();
        return builder;
    }
}
