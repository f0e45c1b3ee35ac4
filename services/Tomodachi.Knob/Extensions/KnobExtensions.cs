namespace Tomodachi.Knob.Extensions;

/// <summary>Registers everything the Knob service needs.</summary>
public static class KnobExtensions
{
    public const string TelemetrySourceName = "Tomodachi.Knob";

    public static IHostApplicationBuilder AddKnobServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddTomodachiTelemetrySource(TelemetrySourceName);
        return builder;
    }
}
