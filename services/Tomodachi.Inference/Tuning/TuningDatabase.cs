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

    public static long ToUnixNanoseconds(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static DateTimeOffset FromUnixNanoseconds(long nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);
}
