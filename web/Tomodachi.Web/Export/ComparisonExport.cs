using Google.Protobuf;
using Grpc.Core;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Export;

/// <summary>
/// The last base-vs-adapter report (TuningService.GetLastComparison) as downloads: the whole report as JSON with the
/// contract's field names, the replies as CSV. 404 before the first comparison, 503 while the service is unreachable.
/// </summary>
public static class ComparisonExport
{
    public const string JsonPath = "/export/comparison.json";
    public const string CsvPath = "/export/comparison.csv";

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default
        .WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true).WithFormatEnumsAsIntegers(false));

    public static IEndpointRouteBuilder MapComparisonExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(JsonPath, (TuningService.TuningServiceClient tuning, CancellationToken ct) =>
                ExportAsync(tuning, "json", "application/json; charset=utf-8",
                    (writer, report, _) => writer.WriteAsync(Json.Format(report).AsMemory(), ct), ct))
            .WithName("ExportComparisonJson")
            .WithSummary("The last comparison report, every figure and reply, with the contract's field names.");
        app.MapGet(CsvPath, (TuningService.TuningServiceClient tuning, CancellationToken ct) =>
                ExportAsync(tuning, "csv", "text/csv; charset=utf-8", ComparisonCsvWriter.WriteAsync, ct))
            .WithName("ExportComparisonCsv")
            .WithSummary("The replies of the last comparison, one CSV row per prompt and variant.");
        return app;
    }

    private static async Task<IResult> ExportAsync(
        TuningService.TuningServiceClient tuning, string extension, string contentType,
        Func<TextWriter, ComparisonReport, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ComparisonReport report;
        try
        {
            report = (await tuning.GetLastComparisonAsync(new GetLastComparisonRequest(), cancellationToken: cancellationToken)).Report;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.NotFound)
        {
            return Results.Problem(title: "No comparison yet", detail: "Run one in the Tuning panel first.",
                statusCode: StatusCodes.Status404NotFound);
        }
        catch (RpcException error)
        {
            return Results.Problem(title: "The tuning service is offline",
                detail: FeedStatus.Describe(error, "TuningService.GetLastComparison"),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new System.Text.UTF8Encoding(false));
                await write(writer, report, cancellationToken);
            },
            contentType: contentType,
            fileDownloadName: $"tomodachi-comparison-{report.ReportId}.{extension}");
    }
}
