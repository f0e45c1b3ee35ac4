using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>Memory-store samples in a <c>memory_samples</c> table of the journal's SQLite file.</summary>
public sealed class SqliteMemoryStatsHistory(IOptions<JournalOptions> options, ITurnJournal journal) : IMemoryStatsHistory
{
    private readonly TuningDatabase database = new(options, journal, """
        CREATE TABLE IF NOT EXISTS memory_samples (
          at_unix_ns INTEGER NOT NULL, memory_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL, backend TEXT NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS memory_samples_by_at ON memory_samples (at_unix_ns);
        """);

    public Task AddAsync(MemoryStatsSample sample, CancellationToken ct) =>
        database.ExecuteAsync("INSERT INTO memory_samples (at_unix_ns, memory_count, size_bytes, backend) VALUES ($at, $count, $size, $backend)",
            [("$at", TuningDatabase.ToUnixNanoseconds(sample.At)), ("$count", sample.Count), ("$size", sample.SizeBytes), ("$backend", sample.Backend)], ct);

    public Task<IReadOnlyList<MemoryStatsSample>> ReadAsync(DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken ct) =>
        database.ReadNewestAsync("""
            SELECT at_unix_ns, memory_count, size_bytes, backend FROM memory_samples
            WHERE at_unix_ns >= $since AND at_unix_ns < $until ORDER BY at_unix_ns DESC LIMIT $limit
            """,
            since, until, limit, r => new MemoryStatsSample(TuningDatabase.FromUnixNanoseconds(r.GetInt64(0)), r.GetInt64(1), r.GetInt64(2), r.GetString(3)), ct);
}
