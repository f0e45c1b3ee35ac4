using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// The turn journal in one SQLite file. WAL mode with <c>synchronous=FULL</c>: every commit fsyncs the WAL, so an
/// append is on disk when it returns and survives power loss too (NORMAL would only survive a process crash).
/// A turn is one small insert, so the fsync is noise next to generating the reply. One long-lived connection
/// writes, serialised by a semaphore; each read opens its own connection, which WAL lets run beside the writer.
/// </summary>
public sealed partial class SqliteTurnJournal : ITurnJournal, IDisposable
{
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 50;

    // Bumped with each schema change; a migration step goes beside CreateSchema when it is.
    // 3: conversations (their table, the prompt columns, history and cache figures, replaced turns).
    private const int SchemaVersion = 3;

    private static readonly IReadOnlyList<(string Name, string Definition)> AllColumns =
        [.. TurnColumns.All.Select(c => (c.Name, c.Definition)), .. PromptColumns.All];

    private static readonly string InsertSql =
        $"INSERT INTO turns ({string.Join(", ", AllColumns.Select(c => c.Name))}) VALUES ({string.Join(", ", AllColumns.Select(c => "$" + c.Name))})";

    private readonly string connectionString;
    private readonly SqliteConnection writer;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly TurnWatchers watchers;

    public SqliteTurnJournal(IOptions<JournalOptions> options, ILogger<SqliteTurnJournal> logger)
    {
        var path = options.Value.Path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // No pooling: the writer lives as long as the journal, and a pooled reader would keep the file open
        // after the journal is disposed.
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        watchers = new TurnWatchers(options.Value.WatchBufferSize);

        writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();
            var mode = Scalar<string>(writer, "PRAGMA journal_mode=WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The turn journal at '{path}' cannot use write-ahead logging (journal mode is '{mode}'); put it on a local file system.");
            }

            Execute(writer, "PRAGMA synchronous=FULL");
            // Zeroes what a delete frees, so a deleted conversation's text does not linger in free pages.
            Execute(writer, "PRAGMA secure_delete=ON");
            var version = CreateSchema();
            AddMissingTurnColumns();
            AddRatingColumn();
            AddConversations(version);
        }
        catch
        {
            // A journal that cannot open must not keep the file open behind the error.
            writer.Dispose();
            throw;
        }

        logger.LogInformation("Turn journal open at {JournalPath} with {TurnCount} turns", path, Scalar<long>(writer, "SELECT count(*) FROM turns"));
    }

    public Task AppendAsync(Turn turn, CancellationToken ct) => AppendAsync(turn, TurnPrompt.Unknown, listed: true, ct);

    public async Task AppendAsync(Turn turn, TurnPrompt prompt, bool listed, CancellationToken ct)
    {
        Validate(turn);
        await writeLock.WaitAsync(ct);
        try
        {
            // One transaction: the turn, the turn it replaces and its conversation change together or not at all.
            using var transaction = writer.BeginTransaction();
            using var insert = writer.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = InsertSql;
            TurnColumns.Bind(insert, turn);
            PromptColumns.Bind(insert, prompt);
            try
            {
                await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT_UNIQUE)
            {
                throw new InvalidOperationException($"Turn '{turn.Stats.TurnId}' is already in the journal.", e);
            }

            MarkReplaced(transaction, turn.Stats);
            if (listed)
            {
                TouchConversation(transaction, turn);
            }

            transaction.Commit();

            // Published under the write lock so every watcher sees turns in commit order.
            watchers.Publish(turn);
        }
        finally
        {
            writeLock.Release();
        }
    }

    public async Task<ListTurnsResponse> ListAsync(ListTurnsRequest request, CancellationToken ct)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            > MaxPageSize => throw new ArgumentException($"page_size must be between 1 and {MaxPageSize} (0 means {DefaultPageSize}); it was {request.PageSize}."),
            _ => (int)request.PageSize,
        };
        if (request.Since is { } since && request.Until is { } until && since > until)
        {
            throw new ArgumentException($"since ({since}) is after until ({until}).");
        }

        TurnPageToken? after = request.PageToken.Length == 0 ? null : TurnPageToken.Decode(request.PageToken, request);

        await using var connection = await OpenReaderAsync(ct);
        using var select = connection.CreateCommand();
        var conditions = SessionAndTimeConditions(select, request.SessionId, request.Since, request.Until);
        if (after is { } position)
        {
            conditions.Add($"({TurnColumns.StartedAt}, id) < ($afterStartedAt, $afterId)");
            select.Parameters.AddWithValue("$afterStartedAt", position.StartedAtUnixNs);
            select.Parameters.AddWithValue("$afterId", position.RowId);
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        // One row more than the page tells whether another page follows without a second query.
        select.CommandText = $"SELECT {TurnColumns.Names}, id FROM turns {where} ORDER BY {TurnColumns.StartedAt} DESC, id DESC LIMIT $limit";
        select.Parameters.AddWithValue("$limit", pageSize + 1);

        var response = new ListTurnsResponse();
        var last = default(TurnPageToken);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (response.Turns.Count == pageSize)
            {
                response.NextPageToken = last.Encode(request);
                break;
            }

            var turn = TurnColumns.Read(reader);
            response.Turns.Add(turn);
            last = new TurnPageToken(TurnColumns.ToUnixNanoseconds(turn.Stats.StartedAt), reader.GetInt64(TurnColumns.All.Count));
        }

        return response;
    }

    public IAsyncEnumerable<Turn> WatchAsync(CancellationToken ct)
    {
        var channel = watchers.Subscribe();
        var unsubscribe = ct.Register(() => watchers.Unsubscribe(channel));
        return Drain(channel.Reader, ct);

        async IAsyncEnumerable<Turn> Drain(ChannelReader<Turn> reader, [EnumeratorCancellation] CancellationToken token)
        {
            try
            {
                await foreach (var turn in reader.ReadAllAsync(token))
                {
                    yield return turn;
                }
            }
            finally
            {
                await unsubscribe.DisposeAsync();
                watchers.Unsubscribe(channel);
            }
        }
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM turns";
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    public async Task<long> CountAsync(Google.Protobuf.WellKnownTypes.Timestamp since, Google.Protobuf.WellKnownTypes.Timestamp until, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM turns WHERE {string.Join(" AND ", SessionAndTimeConditions(count, null, since, until))}";
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    public void Dispose()
    {
        writer.Dispose();
        writeLock.Dispose();
    }

    private static void Validate(Turn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.Stats is null || turn.Stats.TurnId.Length == 0 || turn.Stats.SessionId.Length == 0 || turn.Stats.StartedAt is null)
        {
            throw new ArgumentException("A journaled turn needs stats with a turn_id, a session_id and started_at.", nameof(turn));
        }
    }

    /// <summary>Creates what a new journal lacks; returns the schema version the file had before.</summary>
    private long CreateSchema()
    {
        var version = Scalar<long>(writer, "PRAGMA user_version");
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The turn journal was written by a newer Tomodachi (schema {version}, this one knows {SchemaVersion}); run that version, or move the file aside to start a new journal.");
        }

        Execute(writer, $"""
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS turns (
              id INTEGER PRIMARY KEY,
              {string.Join(",\n  ", AllColumns.Select(c => $"{c.Name} {c.Definition}"))}
            ) STRICT;
            CREATE INDEX IF NOT EXISTS turns_by_started_at ON turns ({TurnColumns.StartedAt} DESC, id DESC);
            CREATE INDEX IF NOT EXISTS turns_by_session ON turns ({TurnColumns.SessionId}, {TurnColumns.StartedAt} DESC, id DESC);
            COMMIT;
            """);
        return version;
    }

    // A journal created before a column joined TurnColumns lacks it, and CREATE TABLE IF NOT EXISTS leaves the table
    // as it was. Checked by column rather than by user_version, so it also repairs upgrades that bumped the version
    // without the column (two branches each added one under the same version). An added column needs a DEFAULT
    // when it is NOT NULL, which SQLite enforces at ALTER time.
    private void AddMissingTurnColumns()
    {
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var info = writer.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('turns')";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }

        foreach (var column in AllColumns.Where(c => !existing.Contains(c.Name)))
        {
            Execute(writer, $"ALTER TABLE turns ADD COLUMN {column.Name} {column.Definition}");
        }
    }

    /// <summary>WHERE conditions (and their parameters) for the session and half-open time filters that are set.</summary>
    private static List<string> SessionAndTimeConditions(SqliteCommand select, string? sessionId, Google.Protobuf.WellKnownTypes.Timestamp? since, Google.Protobuf.WellKnownTypes.Timestamp? until)
    {
        var conditions = new List<string>();
        if (!string.IsNullOrEmpty(sessionId))
        {
            conditions.Add($"{TurnColumns.SessionId} = $session");
            select.Parameters.AddWithValue("$session", sessionId);
        }

        if (since is not null)
        {
            conditions.Add($"{TurnColumns.StartedAt} >= $since");
            select.Parameters.AddWithValue("$since", TimeBound(since, "since"));
        }

        if (until is not null)
        {
            conditions.Add($"{TurnColumns.StartedAt} < $until");
            select.Parameters.AddWithValue("$until", TimeBound(until, "until"));
        }

        return conditions;
    }

    /// <summary>
    /// A filter bound in the journal's nanoseconds. Stored times end in 2262; a valid bound beyond that range is
    /// clamped to it (it excludes or includes everything, as it would), an invalid Timestamp is the caller's mistake.
    /// </summary>
    /// <exception cref="ArgumentException">seconds outside the years 1 to 9999, or nanos outside 0 to 999999999.</exception>
    private static long TimeBound(Google.Protobuf.WellKnownTypes.Timestamp at, string field)
    {
        const long maxSeconds = long.MaxValue / 1_000_000_000L - 1;
        try
        {
            at.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw new ArgumentException($"{field} is not a valid time (seconds {at.Seconds}, nanos {at.Nanos}); it must lie between the years 1 and 9999.");
        }

        return at.Seconds switch
        {
            > maxSeconds => long.MaxValue,
            < -maxSeconds => long.MinValue,
            _ => TurnColumns.ToUnixNanoseconds(at),
        };
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        Execute(connection, "PRAGMA query_only=1");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }
}
