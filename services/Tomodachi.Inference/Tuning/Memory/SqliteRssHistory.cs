using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>RSS samples in an <c>rss_samples</c> table of the journal's SQLite file.</summary>
public sealed class SqliteRssHistory(IOptions<JournalOptions> options, ITurnJournal journal) : IRssHistory
{
    private const string Window = "at_unix_ns >= $since AND at_unix_ns < $until";

    private readonly TuningDatabase database = new(options, journal, """
        CREATE TABLE IF NOT EXISTS rss_samples (at_unix_ns INTEGER NOT NULL, run_id TEXT NOT NULL, rss_bytes INTEGER NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS rss_samples_by_at ON rss_samples (at_unix_ns);
        """);

    public Task AddAsync(RssSample sample, CancellationToken ct) =>
        database.ExecuteAsync("INSERT INTO rss_samples (at_unix_ns, run_id, rss_bytes) VALUES ($at, $run, $rss)",
            [("$at", TuningDatabase.ToUnixNanoseconds(sample.At)), ("$run", sample.RunId), ("$rss", sample.RssBytes)], ct);

    public Task<IReadOnlyList<RssSample>> ReadLatestRunAsync(DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken ct) =>
        database.ReadNewestAsync($"""
            SELECT at_unix_ns, run_id, rss_bytes FROM rss_samples
            WHERE {Window} AND run_id = (SELECT run_id FROM rss_samples WHERE {Window} ORDER BY at_unix_ns DESC LIMIT 1)
            ORDER BY at_unix_ns DESC LIMIT $limit
            """,
            since, until, limit, r => new RssSample(TuningDatabase.FromUnixNanoseconds(r.GetInt64(0)), r.GetString(1), r.GetInt64(2)), ct);
}
