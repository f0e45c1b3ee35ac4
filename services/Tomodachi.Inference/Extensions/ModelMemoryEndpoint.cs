using System.Text.Json.Serialization;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Monitoring;

namespace Tomodachi.Inference.Extensions;

/// <summary>
/// GET /api/model/memory: the original REST shape, kept for old clients and curl users, read from the same
/// <see cref="ProcessMemoryReader"/> as the GetProcessMemory RPC.
/// </summary>
public static class ModelMemoryEndpoint
{
    public const string Path = "/api/model/memory";

    public sealed record ModelMemory(
        [property: JsonPropertyName("model_loaded")] bool ModelLoaded,
        [property: JsonPropertyName("rss_mb")] double RssMb,
        [property: JsonPropertyName("vms_mb")] double VmsMb,
        [property: JsonPropertyName("rss_human")] string RssHuman,
        [property: JsonPropertyName("process_id")] int ProcessId);

    public static IEndpointRouteBuilder MapModelMemoryEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (IModelManager models) => Read(models.Describe().Loaded));
        return app;
    }

    public static ModelMemory Read(bool modelLoaded)
    {
        var memory = ProcessMemoryReader.Read();
        var rssMb = memory.RssBytes / 1024.0 / 1024.0;
        return new ModelMemory(modelLoaded, Math.Round(rssMb, 1), Math.Round(memory.VmsBytes / 1024.0 / 1024.0, 1), Human(memory.RssBytes), memory.ProcessId);
    }

    private static string Human(ulong bytes) => bytes switch
    {
        >= 1UL << 30 => $"{bytes / (double)(1UL << 30):0.0} GB",
        >= 1UL << 20 => $"{bytes / (double)(1UL << 20):0.0} MB",
        _ => $"{bytes / 1024.0:0.0} KB",
    };
}
