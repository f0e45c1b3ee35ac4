using Microsoft.Data.Sqlite;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Journal;

// Conversations (schema 3): their table, the history of the next prompt, and the rebuilt prompt of a past turn.
public sealed partial class SqliteTurnJournal : IConversationStore
{
    public const int MaxConversationPageSize = 200;
    public const int DefaultConversationPageSize = 50;
    public const int MaxConversationTurns = 1000;

    private const string LiveTurn = $"{TurnColumns.Replaced} = 0";
    private const string TurnOrder = $"{TurnColumns.StartedAt}, id";

    public async Task<ConversationHistory> ReadHistoryAsync(string sessionId, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        // The latest prompt's drop count is where this one starts: the turns before it stay out.
        using var latest = connection.CreateCommand();
        latest.CommandText = $"""
            SELECT {TurnColumns.HistoryDroppedTurns} FROM turns WHERE {TurnColumns.SessionId} = $session AND {LiveTurn}
            ORDER BY {TurnColumns.StartedAt} DESC, id DESC LIMIT 1
            """;
        latest.Parameters.AddWithValue("$session", sessionId);
        if (await latest.ExecuteScalarAsync(ct) is not long skipped)
        {
            return ConversationHistory.Empty;
        }

        using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT turn_id, {PromptColumns.UserContent}, user_message, reply FROM turns
            WHERE {TurnColumns.SessionId} = $session AND {LiveTurn} ORDER BY {TurnOrder} LIMIT -1 OFFSET $skip
            """;
        select.Parameters.AddWithValue("$session", sessionId);
        select.Parameters.AddWithValue("$skip", skipped);
        return new ConversationHistory(await ReadExchangesAsync(select, ct), (int)skipped);
    }

    public async Task<IReadOnlyList<PromptMessage>?> ReadPromptAsync(string turnId, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        using var turn = connection.CreateCommand();
        turn.CommandText = $"""
            SELECT {PromptColumns.SystemPrompt}, {PromptColumns.UserContent}, {PromptColumns.ClientHistory}, {TurnColumns.SessionId},
                   {TurnColumns.StartedAt}, id, {TurnColumns.HistoryTurns}, {TurnColumns.HistoryDroppedTurns}
            FROM turns WHERE turn_id = $turnId
            """;
        turn.Parameters.AddWithValue("$turnId", turnId);
        string system, user;
        IReadOnlyList<PromptMessage>? clientHistory;
        string sessionId;
        long startedAt, rowId, historyTurns, dropped;
        await using (var reader = await turn.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct) || reader.GetString(1).Length == 0)
            {
                return null;
            }

            (system, user, clientHistory) = (reader.GetString(0), reader.GetString(1), PromptColumns.ReadClientHistory(reader, 2));
            (sessionId, startedAt, rowId) = (reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5));
            (historyTurns, dropped) = (reader.GetInt64(6), reader.GetInt64(7));
        }

        var history = clientHistory;
        if (history is null)
        {
            // The session's live turns before this one, as its prompt held them: a turn before another can no longer
            // be replaced (only the latest turn can), so today's live turns are the ones that were live then.
            using var select = connection.CreateCommand();
            select.CommandText = $"""
                SELECT turn_id, {PromptColumns.UserContent}, user_message, reply FROM turns
                WHERE {TurnColumns.SessionId} = $session AND {LiveTurn} AND ({TurnOrder}) < ($startedAt, $rowId)
                ORDER BY {TurnOrder} LIMIT $take OFFSET $skip
                """;
            select.Parameters.AddWithValue("$session", sessionId);
            select.Parameters.AddWithValue("$startedAt", startedAt);
            select.Parameters.AddWithValue("$rowId", rowId);
            select.Parameters.AddWithValue("$take", historyTurns);
            select.Parameters.AddWithValue("$skip", dropped);
            history = [.. (await ReadExchangesAsync(select, ct)).SelectMany(e => HistoryTurn.Of(e.UserContent, e.Reply).Messages)];
        }

        return [new PromptMessage(PromptMessage.System, system), .. history, new PromptMessage(PromptMessage.User, user)];
    }

    public async Task<ListConversationsResponse> ListConversationsAsync(ListConversationsRequest request, CancellationToken ct)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultConversationPageSize,
            > MaxConversationPageSize => throw new ArgumentException(
                $"page_size must be between 1 and {MaxConversationPageSize} (0 means {DefaultConversationPageSize}); it was {request.PageSize}."),
            _ => (int)request.PageSize,
        };
        ConversationPageToken? after = request.PageToken.Length == 0 ? null : ConversationPageToken.Decode(request.PageToken);

        await using var connection = await OpenReaderAsync(ct);
        using var select = connection.CreateCommand();
        var where = "";
        if (after is { } position)
        {
            where = "WHERE (c.last_activity_unix_ns, c.session_id) < ($afterActivity, $afterSession)";
            select.Parameters.AddWithValue("$afterActivity", position.LastActivityUnixNs);
            select.Parameters.AddWithValue("$afterSession", position.SessionId);
        }

        // One row more than the page tells whether another page follows.
        select.CommandText = $"{SelectConversations} {where} ORDER BY c.last_activity_unix_ns DESC, c.session_id DESC LIMIT $limit";
        select.Parameters.AddWithValue("$limit", pageSize + 1);
        var response = new ListConversationsResponse();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (response.Conversations.Count == pageSize)
            {
                var last = response.Conversations[^1];
                response.NextPageToken = new ConversationPageToken(TurnColumns.ToUnixNanoseconds(last.LastActivityAt), last.SessionId).Encode();
                break;
            }

            response.Conversations.Add(ReadConversation(reader));
        }

        return response;
    }

    public async Task<GetConversationResponse?> GetConversationAsync(string sessionId, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        if (await FindConversationAsync(connection, sessionId, ct) is not { } conversation)
        {
            return null;
        }

        using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT * FROM (
              SELECT {TurnColumns.Names}, {TurnColumns.StartedAt} AS started, id AS row_id FROM turns
              WHERE {TurnColumns.SessionId} = $session AND {LiveTurn} ORDER BY {TurnColumns.StartedAt} DESC, id DESC LIMIT {MaxConversationTurns})
            ORDER BY started, row_id
            """;
        select.Parameters.AddWithValue("$session", sessionId);
        var response = new GetConversationResponse { Conversation = conversation };
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            response.Turns.Add(TurnColumns.Read(reader));
        }

        return response;
    }

    public async Task<Conversation?> RenameConversationAsync(string sessionId, string title, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct);
        try
        {
            using var update = writer.CreateCommand();
            update.CommandText = "UPDATE conversations SET title = $title WHERE session_id = $session";
            update.Parameters.AddWithValue("$title", title);
            update.Parameters.AddWithValue("$session", sessionId);
            if (await update.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                return null;
            }
        }
        finally
        {
            writeLock.Release();
        }

        await using var connection = await OpenReaderAsync(ct);
        return await FindConversationAsync(connection, sessionId, ct);
    }

    public async Task<int?> DeleteConversationAsync(string sessionId, CancellationToken ct)
    {
        var (conversations, turns) = await DeleteAndEraseAsync(
            "DELETE FROM conversations WHERE session_id = $session",
            $"DELETE FROM turns WHERE {TurnColumns.SessionId} = $session",
            command => command.Parameters.AddWithValue("$session", sessionId),
            requireConversation: true,
            ct);
        return conversations == 0 ? null : turns;
    }

    public Task<(int Conversations, int Turns)> DeleteEverythingAsync(CancellationToken ct) =>
        DeleteAndEraseAsync("DELETE FROM conversations", "DELETE FROM turns", _ => { }, requireConversation: false, ct);

    /// <summary>
    /// Deletes conversations and then turns in one transaction, and erases the deleted text from the WAL. With
    /// <paramref name="requireConversation"/>, no turn is deleted when no conversation matched.
    /// </summary>
    private async Task<(int Conversations, int Turns)> DeleteAndEraseAsync(
        string deleteConversations, string deleteTurns, Action<SqliteCommand> bind, bool requireConversation, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct);
        try
        {
            using var transaction = writer.BeginTransaction();
            using var delete = writer.CreateCommand();
            delete.Transaction = transaction;
            bind(delete);
            delete.CommandText = deleteConversations;
            var conversations = await delete.ExecuteNonQueryAsync(CancellationToken.None);
            if (conversations == 0 && requireConversation)
            {
                return (0, 0);
            }

            delete.CommandText = deleteTurns;
            var turns = await delete.ExecuteNonQueryAsync(CancellationToken.None);
            transaction.Commit();
            // The WAL's older frames still hold the deleted text: copy the zeroed pages in and empty it.
            Execute(writer, "PRAGMA wal_checkpoint(TRUNCATE)");
            return (conversations, turns);
        }
        finally
        {
            writeLock.Release();
        }
    }

    // The summary columns: the title and times from the conversation row, the count and persona from its turns.
    private const string SelectConversations = $"""
        SELECT c.session_id, c.title, c.created_at_unix_ns, c.last_activity_unix_ns,
          (SELECT count(*) FROM turns t WHERE t.{TurnColumns.SessionId} = c.session_id AND t.{LiveTurn}),
          coalesce((SELECT t.persona FROM turns t WHERE t.{TurnColumns.SessionId} = c.session_id
                    ORDER BY t.{TurnColumns.StartedAt} DESC, t.id DESC LIMIT 1), '')
        FROM conversations c
        """;

    private static async Task<Conversation?> FindConversationAsync(SqliteConnection connection, string sessionId, CancellationToken ct)
    {
        using var select = connection.CreateCommand();
        select.CommandText = $"{SelectConversations} WHERE c.session_id = $session";
        select.Parameters.AddWithValue("$session", sessionId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadConversation(reader) : null;
    }

    private static Conversation ReadConversation(SqliteDataReader reader) => new()
    {
        SessionId = reader.GetString(0),
        Title = reader.GetString(1),
        CreatedAt = TurnColumns.FromUnixNanoseconds(reader.GetInt64(2)),
        LastActivityAt = TurnColumns.FromUnixNanoseconds(reader.GetInt64(3)),
        TurnCount = checked((uint)reader.GetInt64(4)),
        Persona = reader.GetString(5),
    };

    /// <summary>Reads (turn_id, user_content, user_message, reply) rows; turns from before schema 3 have only the message.</summary>
    private static async Task<IReadOnlyList<JournaledExchange>> ReadExchangesAsync(SqliteCommand select, CancellationToken ct)
    {
        var exchanges = new List<JournaledExchange>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (message, content) = (reader.GetString(2), reader.GetString(1));
            exchanges.Add(new JournaledExchange(reader.GetString(0), message, content.Length > 0 ? content : message, reader.GetString(3)));
        }

        return exchanges;
    }

    private void MarkReplaced(SqliteTransaction transaction, TurnStats stats)
    {
        if (stats.ReplacedTurnId.Length == 0)
        {
            return;
        }

        using var update = writer.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = $"UPDATE turns SET {TurnColumns.Replaced} = 1 WHERE turn_id = $replaced AND {TurnColumns.SessionId} = $session";
        update.Parameters.AddWithValue("$replaced", stats.ReplacedTurnId);
        update.Parameters.AddWithValue("$session", stats.SessionId);
        update.ExecuteNonQuery();
    }

    private void TouchConversation(SqliteTransaction transaction, Turn turn)
    {
        using var upsert = writer.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO conversations (session_id, title, created_at_unix_ns, last_activity_unix_ns) VALUES ($session, $title, $started, $finished)
            ON CONFLICT (session_id) DO UPDATE SET last_activity_unix_ns = max(last_activity_unix_ns, excluded.last_activity_unix_ns)
            """;
        upsert.Parameters.AddWithValue("$session", turn.Stats.SessionId);
        upsert.Parameters.AddWithValue("$title", ConversationTitle.FromMessage(turn.UserMessage));
        upsert.Parameters.AddWithValue("$started", TurnColumns.ToUnixNanoseconds(turn.Stats.StartedAt));
        upsert.Parameters.AddWithValue("$finished", TurnColumns.ToUnixNanoseconds(turn.Stats.FinishedAt ?? turn.Stats.StartedAt));
        upsert.ExecuteNonQuery();
    }

    /// <summary>
    /// Schema 2 -> 3: the conversations table, filled from the turns already journaled (every one came through Chat
    /// and was a conversation), then the version. Run after the columns exist.
    /// </summary>
    private void AddConversations(long versionBefore)
    {
        using var transaction = writer.BeginTransaction();
        Execute(writer, transaction, """
            CREATE TABLE IF NOT EXISTS conversations (
              session_id TEXT PRIMARY KEY,
              title TEXT NOT NULL,
              created_at_unix_ns INTEGER NOT NULL,
              last_activity_unix_ns INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX IF NOT EXISTS conversations_by_activity ON conversations (last_activity_unix_ns DESC, session_id DESC);
            """);
        if (versionBefore is > 0 and < 3)
        {
            using var sessions = writer.CreateCommand();
            sessions.Transaction = transaction;
            sessions.CommandText = $"""
                SELECT t.{TurnColumns.SessionId}, t.user_message, t.{TurnColumns.StartedAt},
                       (SELECT max(coalesce(l.finished_at_unix_ns, l.{TurnColumns.StartedAt})) FROM turns l WHERE l.{TurnColumns.SessionId} = t.{TurnColumns.SessionId})
                FROM turns t WHERE t.id = (SELECT f.id FROM turns f WHERE f.{TurnColumns.SessionId} = t.{TurnColumns.SessionId} ORDER BY f.{TurnColumns.StartedAt}, f.id LIMIT 1)
                """;
            var rows = new List<(string Session, string Title, long Created, long Active)>();
            using (var reader = sessions.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetString(0), ConversationTitle.FromMessage(reader.GetString(1)), reader.GetInt64(2), reader.GetInt64(3)));
                }
            }

            using var insert = writer.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO conversations VALUES ($session, $title, $created, $active)";
            foreach (var row in rows)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$session", row.Session);
                insert.Parameters.AddWithValue("$title", row.Title);
                insert.Parameters.AddWithValue("$created", row.Created);
                insert.Parameters.AddWithValue("$active", row.Active);
                insert.ExecuteNonQuery();
            }
        }

        Execute(writer, transaction, $"PRAGMA user_version = {SchemaVersion}");
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
