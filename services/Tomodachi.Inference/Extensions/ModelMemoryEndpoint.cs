using System.Text.Json.Serialization;
using Tomodachi.Inference.Models;

namespace Tomodachi.Inference.Extensions;

/// <summary>
/// GET /api/model/memory: the original REST shape, kept for old clients and curl users, with the same
/// <see cref="ProcessMemorySampler"/> sample as the GetProcessMemory RPC and /metrics, and the time it was read.
/// </summary>
public static class ModelMemoryEndpoint
{
    public const string Path = "/api/model/memory";

    public sealed record ModelMemory(
        [property: JsonPropertyName("model_loaded")] bool ModelLoaded,
        [property: JsonPropertyName("rss_mb")] double RssMb,
        [property: JsonPropertyName("vms_mb")] double VmsMb,
        [property: JsonPropertyName("rss_human")] string RssHuman,
        [property: JsonPropertyName("process_id")] int ProcessId,
        [property: JsonPropertyName("sampled_at")] DateTimeOffset SampledAt);

    public static IEndpointRouteBuilder MapModelMemoryEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (IModelManager models, ProcessMemorySampler memory) => Read(models.Describe().Loaded, memory.Current));
        return app;
    }

    public static ModelMemory Read(bool modelLoaded, ProcessMemorySample memory)
    {
        var rssMb = memory.RssBytes / 1024.0 / 1024.0;
        return new ModelMemory(modelLoaded, Math.Round(rssMb, 1), Math.Round(memory.VmsBytes / 1024.0 / 1024.0, 1), Human(memory.RssBytes), memory.ProcessId, memory.SampledAt);
    }

    private static string Human(ulong bytes) => bytes switch
    {
        >= 1UL << 30 => $"{bytes / (double)(1UL << 30):0.0} GB",
        >= 1UL << 20 => $"{bytes / (double)(1UL << 20):0.0} MB",
        _ => $"{bytes / 1024.0:0.0} KB",
    };
}
