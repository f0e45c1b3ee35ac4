using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Tuning;

/// <summary>
/// A table of the tuning history in the journal's SQLite file, so one file holds everything the findings read.
/// Takes the journal only so it exists first: it creates the directory and sets WAL mode, which lets these writes
/// run beside the journal's.
/// </summary>
public sealed class TuningDatabase
{
    private readonly string connectionString;

    /// <summary>Opens the journal file and runs <paramref name="schema"/> (CREATE ... IF NOT EXISTS statements).</summary>
    public TuningDatabase(IOptions<JournalOptions> options, ITurnJournal journal, string schema)
    {
        ArgumentNullException.ThrowIfNull(journal);
        connectionString = new SqliteConnectionStringBuilder { DataSource = options.Value.Path, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = schema;
        create.ExecuteNonQuery();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>Runs one statement, e.g. the insert of a sample, with <c>$name</c> parameters.</summary>
    public async Task ExecuteAsync(string sql, IEnumerable<(string Name, object Value)> parameters, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Rows of a query that selects newest first within <c>$since</c>..<c>$until</c> (unix nanoseconds, open ends
    /// when null) and at most <c>$limit</c> rows, returned oldest first.
    /// </summary>
    public async Task<IReadOnlyList<T>> ReadNewestAsync<T>(
        string sql, DateTimeOffset? since, DateTimeOffset? until, int limit, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var select = connection.CreateCommand();
        select.CommandText = sql;
        select.Parameters.AddWithValue("$since", since is { } from ? ToUnixNanoseconds(from) : long.MinValue);
        select.Parameters.AddWithValue("$until", until is { } to ? ToUnixNanoseconds(to) : long.MaxValue);
        select.Parameters.AddWithValue("$limit", limit);
        var rows = new List<T>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        rows.Reverse();
        return rows;
    }

    public static long ToUnixNanoseconds(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static DateTimeOffset FromUnixNanoseconds(long nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);
}
