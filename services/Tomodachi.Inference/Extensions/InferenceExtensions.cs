using Microsoft.Extensions.Options;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Grpc;
using Tomodachi.Inference.Memory;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Orchestration;
using Tomodachi.Inference.Monitoring;
using Tomodachi.Inference.Telemetry;
using Tomodachi.Memory.V1;
using Tomodachi.Models.Download;

namespace Tomodachi.Inference.Extensions;

/// <summary>Registers everything the Inference service needs.</summary>
public static class InferenceExtensions
{
    public const string TelemetrySourceName = "Tomodachi.Inference";

    public static IHostApplicationBuilder AddInferenceServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddTomodachiTelemetrySource(TelemetrySourceName);

        builder.Services.AddOptions<InferenceOptions>()
            .Bind(builder.Configuration.GetSection(InferenceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);

        // Models, the journal of finished turns
        builder.AddModelDownloads(InferenceOptions.SectionName);
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<ModelPuller>();
        builder.Services.AddSingleton<IFreeMemory, SystemFreeMemory>();
        builder.Services.AddSingleton<IModelManager, ModelManager>();
        builder.Services.AddHostedService<ModelStartup>();
        builder.Services.AddHostedService<ModelKeepAlive>();
        builder.AddTurnJournal();

        // Chat
        builder.Services.AddSingleton<SlotGate>();
        builder.Services.AddSingleton<PersonaCatalog>();
        builder.Services.AddSingleton<Orchestrator>();
        builder.Services.AddSingleton<ChatPipeline>();
        builder.Services.AddSingleton<ChatRequestReader>();
        builder.Services.AddSingleton<ActiveReplies>();
        builder.Services.AddSingleton<IMemoryRecall, GrpcMemoryRecall>();
        builder.Services.AddGrpcServiceClient<MemoryService.MemoryServiceClient>("memory")
            .ConfigureChannel(channel => channel.ServiceConfig = MemoryCallRetries.ServiceConfig);

        // Status and metrics
        builder.Services.AddSingleton<StatusBoard>();
        builder.Services.AddSingleton<InferenceMetrics>();

        // Fine-tuning insights
        builder.AddTuning();
        return builder;
    }
}
