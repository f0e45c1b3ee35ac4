using Microsoft.Extensions.DependencyInjection.Extensions;
using Tomodachi.Inference.Grpc;
using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Datasets;
using Tomodachi.Inference.Tuning.Findings;
using Tomodachi.Inference.Tuning.Memory;

namespace Tomodachi.Inference.Extensions;

/// <summary>Registers and maps the fine-tuning insights: ratings, findings (with the RSS sampler they need) and data set export.</summary>
public static class TuningExtensions
{
    public static IHostApplicationBuilder AddTuning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TuningOptions>()
            .BindConfiguration(TuningOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IRssHistory, SqliteRssHistory>();
        builder.Services.AddHostedService<RssSampler>();
        builder.Services.AddSingleton<IPersonaPrompts, ConfiguredPersonaPrompts>();
        builder.Services.AddSingleton<FindingsAnalyzer>();
        builder.Services.AddSingleton<DatasetExporter>();
        return builder;
    }

    /// <summary>The TuningService gRPC service and the browser download of data sets.</summary>
    public static IEndpointRouteBuilder MapTuning(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<TuningGrpcService>();
        app.MapGet(DatasetDownload.Route, DatasetDownload.HandleAsync);
        return app;
    }
}
