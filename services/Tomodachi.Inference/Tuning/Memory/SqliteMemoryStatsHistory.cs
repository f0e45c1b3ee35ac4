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

    public async Task AddAsync(MemoryStatsSample sample, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO memory_samples (at_unix_ns, memory_count, size_bytes, backend) VALUES ($at, $count, $size, $backend)";
        insert.Parameters.AddWithValue("$at", TuningDatabase.ToUnixNanoseconds(sample.At));
        insert.Parameters.AddWithValue("$count", sample.Count);
        insert.Parameters.AddWithValue("$size", sample.SizeBytes);
        insert.Parameters.AddWithValue("$backend", sample.Backend);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<MemoryStatsSample>> ReadAsync(DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT at_unix_ns, memory_count, size_bytes, backend FROM memory_samples
            WHERE at_unix_ns >= $since AND at_unix_ns < $until ORDER BY at_unix_ns DESC LIMIT $limit
            """;
        select.Parameters.AddWithValue("$since", since is { } from ? TuningDatabase.ToUnixNanoseconds(from) : long.MinValue);
        select.Parameters.AddWithValue("$until", until is { } to ? TuningDatabase.ToUnixNanoseconds(to) : long.MaxValue);
        select.Parameters.AddWithValue("$limit", limit);
        var samples = new List<MemoryStatsSample>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            samples.Add(new MemoryStatsSample(TuningDatabase.FromUnixNanoseconds(reader.GetInt64(0)), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)));
        }

        samples.Reverse();
        return samples;
    }
}
