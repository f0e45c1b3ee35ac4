using Google.Protobuf;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>The newest report, as the contract's binary message, in a <c>comparison_reports</c> table of the journal file.</summary>
public sealed class SqliteComparisonStore(IOptions<JournalOptions> options, ITurnJournal journal) : IComparisonStore
{
    private readonly TuningDatabase database = new(options, journal,
        "CREATE TABLE IF NOT EXISTS comparison_reports (report_id TEXT PRIMARY KEY, finished_at_unix_ns INTEGER NOT NULL, report BLOB NOT NULL) STRICT;");

    public async Task SaveAsync(ComparisonReport report, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var replace = connection.CreateCommand();
        replace.CommandText = """
            DELETE FROM comparison_reports;
            INSERT INTO comparison_reports (report_id, finished_at_unix_ns, report) VALUES ($id, $finished, $report);
            """;
        replace.Parameters.AddWithValue("$id", report.ReportId);
        replace.Parameters.AddWithValue("$finished", TuningDatabase.ToUnixNanoseconds(report.FinishedAt.ToDateTimeOffset()));
        replace.Parameters.AddWithValue("$report", report.ToByteArray());
        await replace.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<ComparisonReport?> GetLastAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT report FROM comparison_reports ORDER BY finished_at_unix_ns DESC LIMIT 1";
        return await select.ExecuteScalarAsync(ct) is byte[] bytes ? ComparisonReport.Parser.ParseFrom(bytes) : null;
    }
}
