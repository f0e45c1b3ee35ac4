using System.Globalization;
using System.Text.Json;
using Tomodachi.Memory.Memories;

namespace Tomodachi.Memory.Http;

/// <summary>
/// <c>GET /api/metrics</c>: the original service's JSON figures, kept for old clients and <c>curl</c>.
/// Same numbers as GetStats.
/// </summary>
public static class MemoryMetricsApi
{
    public const string Path = "/api/metrics";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEndpointRouteBuilder MapMemoryMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (MemoryBank bank, CancellationToken cancellationToken) =>
            Results.Json(ToDocument(await bank.GetStatsAsync(cancellationToken)), Json));
        return app;
    }

    private static MetricsDocument ToDocument(MemoryBankStats stats) => new(
        stats.Figures.Count,
        stats.Figures.SizeBytes,
        Math.Round(stats.Figures.SizeBytes / (1024.0 * 1024.0), 2),
        stats.Figures.SizeIsEstimate,
        Readable(stats.Figures.Oldest),
        stats.Figures.Oldest?.ToString("O", CultureInfo.InvariantCulture),
        Readable(stats.Figures.Newest),
        stats.Figures.Newest?.ToString("O", CultureInfo.InvariantCulture),
        stats.Backend,
        stats.Embedder,
        stats.Dimension,
        stats.Problem);

    // The original answered "YYYY-MM-DD HH:MM:SS" in UTC; the *_iso fields carry the exact time.
    private static string? Readable(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private sealed record MetricsDocument(
        long Count,
        long SizeBytes,
        double SizeMb,
        bool SizeIsEstimate,
        string? Oldest,
        string? OldestIso,
        string? Newest,
        string? NewestIso,
        string Backend,
        string Embedder,
        int Dimension,
        string? Problem);
}
