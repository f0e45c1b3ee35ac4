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
            .WithSummary("Every journaled turn with all its stats, one CSV row per turn, newest first, streamed page by page.");
        app.MapComparisonExport();
        return app;
    }

    /// <summary>
    /// The first page is read before the response starts, so an unreachable journal is a 503 with the reason. A
    /// failure after that aborts the connection: the browser reports a failed download rather than a file that
    /// silently ends early.
    /// </summary>
    private static async Task ExportTurnsAsync(HttpContext http, TurnJournalReader journal, TimeProvider time)
    {
        var cancellationToken = http.RequestAborted;
        var pages = journal.ReadPagesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (pages)
        {
            try
            {
                await pages.MoveNextAsync();
            }
            catch (RpcException error)
            {
                await Results.Problem(
                    title: "The turn journal is offline",
                    detail: FeedStatus.Describe(error, "InferenceService.ListTurns"),
                    statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(http);
                return;
            }

            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"tomodachi-turns-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
            try
            {
                await TurnCsvWriter.WriteHeaderAsync(writer, cancellationToken);
                do
                {
                    await TurnCsvWriter.WriteRowsAsync(writer, pages.Current, cancellationToken);
                    await writer.FlushAsync(cancellationToken);
                }
                while (await pages.MoveNextAsync());
            }
            catch (RpcException)
            {
                http.Abort();
            }
        }
    }
}
