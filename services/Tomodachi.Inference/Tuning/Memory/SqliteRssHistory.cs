using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>RSS samples in an <c>rss_samples</c> table of the journal's SQLite file.</summary>
public sealed class SqliteRssHistory(IOptions<JournalOptions> options, ITurnJournal journal) : IRssHistory
{
    private readonly TuningDatabase database = new(options, journal, """
        CREATE TABLE IF NOT EXISTS rss_samples (at_unix_ns INTEGER NOT NULL, run_id TEXT NOT NULL, rss_bytes INTEGER NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS rss_samples_by_at ON rss_samples (at_unix_ns);
        """);

    public async Task AddAsync(RssSample sample, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rss_samples (at_unix_ns, run_id, rss_bytes) VALUES ($at, $run, $rss)";
        insert.Parameters.AddWithValue("$at", TuningDatabase.ToUnixNanoseconds(sample.At));
        insert.Parameters.AddWithValue("$run", sample.RunId);
        insert.Parameters.AddWithValue("$rss", sample.RssBytes);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<RssSample>> ReadLatestRunAsync(DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.CreateCommand();
        const string window = "at_unix_ns >= $since AND at_unix_ns < $until";
        select.CommandText = $"""
            SELECT at_unix_ns, run_id, rss_bytes FROM rss_samples
            WHERE {window} AND run_id = (SELECT run_id FROM rss_samples WHERE {window} ORDER BY at_unix_ns DESC LIMIT 1)
            ORDER BY at_unix_ns DESC LIMIT $limit
            """;
        select.Parameters.AddWithValue("$since", since is { } from ? TuningDatabase.ToUnixNanoseconds(from) : long.MinValue);
        select.Parameters.AddWithValue("$until", until is { } to ? TuningDatabase.ToUnixNanoseconds(to) : long.MaxValue);
        select.Parameters.AddWithValue("$limit", limit);
        var samples = new List<RssSample>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            samples.Add(new RssSample(TuningDatabase.FromUnixNanoseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetInt64(2)));
        }

        samples.Reverse();
        return samples;
    }
}
