using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>
/// <c>GET /api/tuning/dataset.jsonl</c>: the ExportDataset stream as a file download for browsers. Query parameters
/// carry the DatasetFilter fields by their proto names; rating is <c>thumbs_up</c>, <c>thumbs_down</c>,
/// <c>unrated</c> or <c>not_thumbs_down</c>; since/until are ISO 8601 times with an offset.
/// 400 for a bad or unknown parameter, 404 when no turn matches.
/// </summary>
public static class DatasetDownload
{
    public const string Route = "/api/tuning/dataset.jsonl";

    private static readonly Dictionary<string, Action<DatasetFilter, string>> Parameters = new(StringComparer.Ordinal)
    {
        ["rating"] = (f, v) => f.Rating = ParseRating(v),
        ["min_tokens_per_second"] = (f, v) => f.MinTokensPerSecond = ParseNumber("min_tokens_per_second", v),
        ["max_total_latency_ms"] = (f, v) => f.MaxTotalLatencyMs = ParseNumber("max_total_latency_ms", v),
        ["min_completion_tokens"] = (f, v) => f.MinCompletionTokens = ParseCount("min_completion_tokens", v),
        ["max_completion_tokens"] = (f, v) => f.MaxCompletionTokens = ParseCount("max_completion_tokens", v),
        ["persona"] = (f, v) => f.Persona = v,
        ["since"] = (f, v) => f.Since = ParseTime("since", v),
        ["until"] = (f, v) => f.Until = ParseTime("until", v),
        ["include_demo"] = (f, v) => f.IncludeDemo = bool.TryParse(v, out var include) ? include
            : throw new ArgumentException($"include_demo must be true or false, not '{v}'."),
    };

    public static async Task HandleAsync(HttpContext http, DatasetExporter exporter)
    {
        var ct = http.RequestAborted;
        IAsyncEnumerator<DatasetLine> lines;
        try
        {
            lines = exporter.ExportAsync(DatasetSelection.From(Parse(http.Request.Query)), ct).GetAsyncEnumerator(ct);
            // The first line decides the status: once the body has started, an error could only cut the file short.
            if (!await lines.MoveNextAsync())
            {
                throw new InvalidOperationException("An export ends with NoTurnsMatchException rather than empty.");
            }
        }
        catch (ArgumentException e)
        {
            await Results.Text(e.Message, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(http);
            return;
        }
        catch (NoTurnsMatchException e)
        {
            await Results.Text(e.Message, statusCode: StatusCodes.Status404NotFound).ExecuteAsync(http);
            return;
        }

        await using (lines)
        {
            http.Response.ContentType = "application/jsonl; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"tomodachi-dataset.jsonl\"";
            do
            {
                await http.Response.WriteAsync(lines.Current.JsonLine + "\n", ct);
            }
            while (await lines.MoveNextAsync());
        }
    }

    private static DatasetFilter Parse(IQueryCollection query)
    {
        var filter = new DatasetFilter();
        foreach (var (name, values) in query)
        {
            if (!Parameters.TryGetValue(name, out var set))
            {
                throw new ArgumentException($"Unknown filter '{name}'; the filters are {string.Join(", ", Parameters.Keys)}.");
            }

            if (values.Count != 1)
            {
                throw new ArgumentException($"Filter '{name}' is given {values.Count} times; give it once.");
            }

            set(filter, values[0] ?? "");
        }

        return filter;
    }

    private static RatingFilter ParseRating(string value) => value switch
    {
        "thumbs_up" => RatingFilter.ThumbsUp,
        "thumbs_down" => RatingFilter.ThumbsDown,
        "unrated" => RatingFilter.Unrated,
        "not_thumbs_down" => RatingFilter.NotThumbsDown,
        _ => throw new ArgumentException($"rating '{value}' is unknown; use thumbs_up, thumbs_down, unrated or not_thumbs_down."),
    };

    private static double ParseNumber(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
            : throw new ArgumentException($"{name} must be a number, not '{value}'.");

    private static uint ParseCount(string name, string value) =>
        uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count
            : throw new ArgumentException($"{name} must be a whole number >= 0, not '{value}'.");

    private static Timestamp ParseTime(string name, string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && HasOffset(value)
            ? Timestamp.FromDateTimeOffset(at)
            : throw new ArgumentException($"{name} must be an ISO 8601 time with an offset, e.g. 2026-11-28T09:00:00Z, not '{value}'.");

    // A time without an offset would silently mean the server's local time zone.
    private static bool HasOffset(string value) => value.EndsWith('Z') || value.EndsWith('z') || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T');
}
