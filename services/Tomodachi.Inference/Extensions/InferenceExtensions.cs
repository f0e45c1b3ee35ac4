namespace Tomodachi.Inference.Extensions;

/// <summary>Registers everything the Inference service needs.</summary>
public static class InferenceExtensions
{
    public const string TelemetrySourceName = "Tomodachi.Inference";

    public static IHostApplicationBuilder AddInferenceServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddTomodachiTelemetrySource(TelemetrySourceName);
        builder.AddTurnJournal();
        builder.AddModelDownloads();
        builder.AddTuning();
        return builder;
    }
}
