using Radzen;
using Tomodachi.Inference.V1;
using Tomodachi.Knob.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Alerts;
using Tomodachi.Web.Chat;
using Tomodachi.Web.Components;
using Tomodachi.Web.Export;
using Tomodachi.Web.Feeds;
using Tomodachi.Web.Models;
using Tomodachi.Web.Markdown;
using Tomodachi.Web.Memories;
using Tomodachi.Web.Tuning;

namespace Tomodachi.Web.Extensions;

/// <summary>Registers and maps everything the Campground UI needs.</summary>
public static class CampgroundExtensions
{
    public static IHostApplicationBuilder AddCampground(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddRadzenComponents();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<AlertThresholdOptions>().BindConfiguration(AlertThresholdOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<Retention.PrometheusRetentionOptions>().BindConfiguration(Retention.PrometheusRetentionOptions.SectionName);
        builder.Services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RestartsFeedOptions>().BindConfiguration(RestartsFeedOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(RestartsFeed.ClientName);

        builder.Services.AddGrpcServiceClient<InferenceService.InferenceServiceClient>("inference");
        // The inference service serves tomodachi.tuning.v1 beside the turn journal it reads.
        builder.Services.AddGrpcServiceClient<TuningService.TuningServiceClient>("inference");
        builder.Services.AddGrpcServiceClient<ConversationService.ConversationServiceClient>("inference");
        builder.Services.AddGrpcServiceClient<MemoryService.MemoryServiceClient>("memory");
        builder.Services.AddGrpcServiceClient<KnobService.KnobServiceClient>("knob");

        // One stream per backend for the whole server, shared by every circuit.
        builder.Services.AddFeed<InferenceStatusFeed>();
        builder.Services.AddFeed<MemoryStatsFeed>();
        builder.Services.AddFeed<KnobFeed>();
        builder.Services.AddFeed<TurnFeed>();
        builder.Services.AddFeed<RestartsFeed>();

        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddSingleton<AlertMonitor>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AlertMonitor>());
        builder.Services.AddSingleton<ChatMarkdown>();
        builder.Services.AddScoped<ChatSession>();
        builder.Services.AddScoped<ConversationList>();
        builder.Services.AddScoped<ConversationStore>();
        builder.Services.AddScoped<ComparisonRun>();
        builder.Services.AddScoped<ModelShelf>();
        builder.Services.AddScoped<MemoryBrowser>();
        builder.Services.AddTransient<TurnJournalReader>();
        return builder;
    }

    public static WebApplication MapCampground(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapExportEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static void AddFeed<TFeed>(this IServiceCollection services) where TFeed : class, IHostedService
    {
        services.AddSingleton<TFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<TFeed>());
    }
}
