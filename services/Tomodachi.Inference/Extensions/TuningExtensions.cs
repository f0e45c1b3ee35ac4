using Microsoft.Extensions.DependencyInjection.Extensions;
using Tomodachi.Inference.Grpc;
using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Comparison;
using Tomodachi.Inference.Tuning.Datasets;
using Tomodachi.Inference.Tuning.Findings;
using Tomodachi.Inference.Tuning.Memory;

namespace Tomodachi.Inference.Extensions;

/// <summary>
/// Registers and maps the fine-tuning insights: ratings, findings (with the RSS and memory-store samplers they
/// need), data set export
/// and the base-vs-adapter comparison.
/// </summary>
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
        builder.Services.AddSingleton<IMemoryStatsHistory, SqliteMemoryStatsHistory>();
        builder.Services.AddHostedService<MemoryStatsSampler>();
        builder.Services.AddSingleton<IRetrievalStatsSource, GrpcRetrievalStatsSource>();
        builder.Services.AddSingleton<IPersonaPrompts, ConfiguredPersonaPrompts>();
        builder.Services.AddSingleton<FindingsAnalyzer>();
        builder.Services.AddSingleton<DatasetExporter>();
        builder.Services.AddSingleton<IComparisonStore, SqliteComparisonStore>();
        builder.Services.AddSingleton<ComparisonReplyRunner>();
        builder.Services.AddSingleton<ComparisonRunner>();
        return builder;
    }

    /// <summary>The TuningService gRPC service and the browser downloads of data sets and the last comparison.</summary>
    public static IEndpointRouteBuilder MapTuning(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<TuningGrpcService>();
        app.MapGet(DatasetDownload.Route, DatasetDownload.HandleAsync);
        app.MapGet(ComparisonDownload.JsonRoute, ComparisonDownload.JsonAsync);
        app.MapGet(ComparisonDownload.CsvRoute, ComparisonDownload.CsvAsync);
        return app;
    }
}
