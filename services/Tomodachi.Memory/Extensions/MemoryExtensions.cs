namespace Tomodachi.Memory.Extensions;

/// <summary>Registers everything the Memory service needs.</summary>
public static class MemoryExtensions
{
    public const string TelemetrySourceName = "Tomodachi.Memory";

    public static IHostApplicationBuilder AddMemoryServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddTomodachiTelemetrySource(TelemetrySourceName);
        return builder;
    }
}
