using Microsoft.Extensions.DependencyInjection.Extensions;
using Tomodachi.Gateway.OpenAi;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;

namespace Tomodachi.Gateway.Extensions;

/// <summary>The OpenAI-compatible door: clients of the inference and memory services, and the routes under /v1.</summary>
public static class OpenAiExtensions
{
    public static IHostApplicationBuilder AddOpenAiApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpcServiceClient<InferenceService.InferenceServiceClient>("inference");
        builder.Services.AddGrpcServiceClient<MemoryService.MemoryServiceClient>("memory");
        // Transient, as the typed gRPC clients they hold are: the client factory renews their handlers.
        builder.Services.AddTransient<ModelCatalog>();
        builder.Services.AddTransient<ChatCompletions>();
        builder.Services.AddTransient<Embeddings>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Its refusals in OpenAI's terms (before the gateway's own checks), and its routes.</summary>
    public static WebApplication UseOpenAiApi(this WebApplication app)
    {
        app.UseMiddleware<OpenAiDoor>();
        return app;
    }
}
