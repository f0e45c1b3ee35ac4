using Google.Protobuf;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>
/// <c>GET /api/tuning/comparison.json</c> and <c>.csv</c>: the last comparison report as files, for browsers and
/// spreadsheets. The JSON is the contract's ComparisonReport in its proto JSON form with the .proto field names;
/// 404 with a sentence before the first comparison.
/// </summary>
public static class ComparisonDownload
{
    public const string JsonRoute = "/api/tuning/comparison.json";
    public const string CsvRoute = "/api/tuning/comparison.csv";

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatDefaultValues(true));

    public static Task<IResult> JsonAsync(IComparisonStore store, CancellationToken ct) =>
        DownloadAsync(store, Json.Format, "application/json; charset=utf-8", "json", ct);

    public static Task<IResult> CsvAsync(IComparisonStore store, CancellationToken ct) =>
        DownloadAsync(store, ComparisonCsv.Write, "text/csv; charset=utf-8", "csv", ct);

    private static async Task<IResult> DownloadAsync(
        IComparisonStore store, Func<ComparisonReport, string> format, string contentType, string extension, CancellationToken ct)
    {
        if (await store.GetLastAsync(ct) is not { } report)
        {
            return Results.Text(NoReportYet, statusCode: StatusCodes.Status404NotFound);
        }

        return Results.File(System.Text.Encoding.UTF8.GetBytes(format(report)), contentType, $"tomodachi-comparison-{report.ReportId}.{extension}");
    }

    public const string NoReportYet = "No adapter comparison has finished yet: run TuningService.CompareAdapter first.";
}
