using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;

namespace Tomodachi.Inference.Journal;

// Retention: whole conversations go, oldest activity first, so no kept turn loses the history its prompt held.
public sealed partial class SqliteTurnJournal : IJournalRetention
{
    // Per session: when it was last active and how many turns it has; newest first, with the running total of turns.
    private const string SessionsNewestFirst = $"""
        WITH sessions AS (
          SELECT {TurnColumns.SessionId} AS session, max({TurnColumns.StartedAt}) AS last_active, count(*) AS turns
          FROM turns GROUP BY {TurnColumns.SessionId})
        SELECT session, last_active,
               sum(turns) OVER (ORDER BY last_active DESC, session DESC ROWS UNBOUNDED PRECEDING) AS turns_so_far,
               row_number() OVER (ORDER BY last_active DESC, session DESC) AS position
        FROM sessions
        """;

    public async Task<JournalSweepResult> DeleteExpiredAsync(
        DateTimeOffset? lastActiveBefore, int? maxTurns, Func<string, bool> isBusy, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct);
        try
        {
            var expired = await ExpiredSessionsAsync(lastActiveBefore, maxTurns, ct);
            expired.RemoveAll(session => isBusy(session));
            if (expired.Count == 0)
            {
                return new JournalSweepResult(0, 0);
            }

            var turns = 0;
            using (var transaction = writer.BeginTransaction())
            {
                using var delete = writer.CreateCommand();
                delete.Transaction = transaction;
                var session = delete.Parameters.Add("$session", SqliteType.Text);
                foreach (var id in expired)
                {
                    session.Value = id;
                    delete.CommandText = $"DELETE FROM turns WHERE {TurnColumns.SessionId} = $session";
                    turns += await delete.ExecuteNonQueryAsync(CancellationToken.None);
                    delete.CommandText = "DELETE FROM conversations WHERE session_id = $session";
                    await delete.ExecuteNonQueryAsync(CancellationToken.None);
                }

                transaction.Commit();
            }

            // As after a delete: the WAL's older frames still hold the deleted text.
            Execute(writer, "PRAGMA wal_checkpoint(TRUNCATE)");
            return new JournalSweepResult(expired.Count, turns);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task<List<string>> ExpiredSessionsAsync(DateTimeOffset? lastActiveBefore, int? maxTurns, CancellationToken ct)
    {
        using var select = writer.CreateCommand();
        // The newest session stays whatever the count: a limit must not delete the conversation going on now.
        select.CommandText = $"""
            SELECT session FROM ({SessionsNewestFirst})
            WHERE last_active < $cutoff OR (position > 1 AND turns_so_far > $maxTurns)
            """;
        select.Parameters.AddWithValue("$cutoff", lastActiveBefore is { } cutoff ? TurnColumns.ToUnixNanoseconds(Timestamp.FromDateTimeOffset(cutoff)) : long.MinValue);
        select.Parameters.AddWithValue("$maxTurns", maxTurns ?? long.MaxValue);
        var sessions = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            sessions.Add(reader.GetString(0));
        }

        return sessions;
    }
}
