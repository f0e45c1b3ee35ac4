using Grpc.Core;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Export;

/// <summary>The metrics history as a download.</summary>
public static class ExportEndpoints
{
    public const string TurnsCsvPath = "/export/turns.csv";

    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(TurnsCsvPath, ExportTurnsAsync)
            .WithName("ExportTurnsCsv")
            .WithSummary("Every journaled turn with all its stats, one CSV row per turn, oldest first.");
        app.MapComparisonExport();
        return app;
    }

    private static async Task<IResult> ExportTurnsAsync(TurnJournalReader journal, TimeProvider time, CancellationToken cancellationToken)
    {
        IReadOnlyList<Tomodachi.Inference.V1.TurnStats> turns;
        try
        {
            turns = await journal.ReadAllAsync(cancellationToken);
        }
        catch (RpcException error)
        {
            return Results.Problem(
                title: "The turn journal is offline",
                detail: FeedStatus.Describe(error, "InferenceService.ListTurns"),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var fileName = $"tomodachi-turns-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        return Results.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new System.Text.UTF8Encoding(false));
                await TurnCsvWriter.WriteAsync(writer, turns, cancellationToken);
            },
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: fileName);
    }
}
