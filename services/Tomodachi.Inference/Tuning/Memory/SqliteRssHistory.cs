using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>
/// RSS samples in their own table of the journal's SQLite file, so one file holds the whole history the findings
/// read. Takes the journal as a dependency only so it exists first: it creates the directory and sets WAL mode,
/// which lets these writes run beside the journal's.
/// </summary>
public sealed class SqliteRssHistory : IRssHistory
{
    private readonly string connectionString;

    public SqliteRssHistory(IOptions<JournalOptions> options, ITurnJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        connectionString = new SqliteConnectionStringBuilder { DataSource = options.Value.Path, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = """
            CREATE TABLE IF NOT EXISTS rss_samples (at_unix_ns INTEGER NOT NULL, run_id TEXT NOT NULL, rss_bytes INTEGER NOT NULL) STRICT;
            CREATE INDEX IF NOT EXISTS rss_samples_by_at ON rss_samples (at_unix_ns);
            """;
        create.ExecuteNonQuery();
    }

    public async Task AddAsync(RssSample sample, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rss_samples (at_unix_ns, run_id, rss_bytes) VALUES ($at, $run, $rss)";
        insert.Parameters.AddWithValue("$at", ToUnixNanoseconds(sample.At));
        insert.Parameters.AddWithValue("$run", sample.RunId);
        insert.Parameters.AddWithValue("$rss", sample.RssBytes);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<RssSample>> ReadLatestRunAsync(DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var select = connection.CreateCommand();
        const string window = "at_unix_ns >= $since AND at_unix_ns < $until";
        select.CommandText = $"""
            SELECT at_unix_ns, run_id, rss_bytes FROM rss_samples
            WHERE {window} AND run_id = (SELECT run_id FROM rss_samples WHERE {window} ORDER BY at_unix_ns DESC LIMIT 1)
            ORDER BY at_unix_ns DESC LIMIT $limit
            """;
        select.Parameters.AddWithValue("$since", since is { } from ? ToUnixNanoseconds(from) : long.MinValue);
        select.Parameters.AddWithValue("$until", until is { } to ? ToUnixNanoseconds(to) : long.MaxValue);
        select.Parameters.AddWithValue("$limit", limit);
        var samples = new List<RssSample>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            samples.Add(new RssSample(DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(0) / 100), reader.GetString(1), reader.GetInt64(2)));
        }

        samples.Reverse();
        return samples;
    }

    private static long ToUnixNanoseconds(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks * 100;
}
