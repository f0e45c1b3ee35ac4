using Microsoft.Data.Sqlite;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// Browsing, correcting and forgetting memories in the embedded store. Every change that removes text (a delete, new
/// text for a memory) also empties the WAL, as <see cref="EraseWalAsync"/> says.
/// </summary>
public sealed partial class EmbeddedMemoryStore
{
    public async Task<long> DeleteAllAsync(CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Writer.CreateCommand();
            command.CommandText = "DELETE FROM memories";
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            var current = live ?? throw new InvalidOperationException("The embedded store is not open.");
            live = current with { Index = new VectorIndex(current.Index.Dimension) };
            await EraseWalAsync(cancellationToken);
            return deleted;
        }
        finally
        {
            writeGate.Release();
        }
    }

    public Task<long> DeleteExpiredAsync(DateTimeOffset? createdBefore, long? keepNewest, CancellationToken cancellationToken)
    {
        var expired = new List<string>();
        if (createdBefore is not null)
        {
            expired.Add("created_at_us < $before");
        }

        if (keepNewest is not null)
        {
            expired.Add("id IN (SELECT id FROM memories WHERE pinned = 0 ORDER BY created_at_us DESC, id DESC LIMIT -1 OFFSET $keep)");
        }

        return expired.Count == 0
            ? Task.FromResult(0L)
            : DeleteWhereAsync($"pinned = 0 AND ({string.Join(" OR ", expired)})", command =>
            {
                if (createdBefore is { } before)
                {
                    command.Parameters.AddWithValue("$before", Microseconds.FromTime(before));
                }

                if (keepNewest is { } keep)
                {
                    command.Parameters.AddWithValue("$keep", keep);
                }
            }, cancellationToken);
    }

    public async Task<bool> UpdateAsync(Guid id, MemoryChange change, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            (Speaker Speaker, string SessionId, long CreatedAt) row;
            await using (var transaction = await Writer.BeginTransactionAsync(cancellationToken))
            {
                await using var command = Writer.CreateCommand();
                command.CommandText = """
                    UPDATE memories SET text = coalesce($text, text), vector = coalesce($vector, vector), pinned = coalesce($pinned, pinned)
                    WHERE id = $id RETURNING role, session_id, created_at_us
                    """;
                command.Parameters.AddWithValue("$id", id.ToString());
                command.Parameters.AddWithValue("$text", (object?)change.Text ?? DBNull.Value);
                // New text without a live vector (see EmbeddedMemory) empties the vector, so the old text's is not kept.
                command.Parameters.AddWithValue("$vector", change.Text is null ? DBNull.Value : Bytes(change.Vector ?? []));
                command.Parameters.AddWithValue("$pinned", (object?)change.Pinned ?? DBNull.Value);
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    if (!await reader.ReadAsync(cancellationToken))
                    {
                        return false;
                    }

                    row = ((Speaker)reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2));
                }

                if (change.Text is not null)
                {
                    // The re-embedding's vector of the old text is of no use any more; the new one replaces it, or the
                    // re-embedding embeds the new text later.
                    command.Parameters.Clear();
                    command.CommandText = change.TargetVector is null
                        ? "DELETE FROM pending_vectors WHERE id = $id"
                        : "INSERT INTO pending_vectors (id, vector) VALUES ($id, $vector) ON CONFLICT (id) DO UPDATE SET vector = excluded.vector";
                    command.Parameters.AddWithValue("$id", id.ToString());
                    command.Parameters.AddWithValue("$vector", Bytes(change.TargetVector ?? []));
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            if (change.Text is null)
            {
                return true;
            }

            if (change.Vector is { } vector)
            {
                Index.Upsert(id, vector, row.CreatedAt, row.Speaker, row.SessionId);
            }
            else
            {
                Index.Remove(id);
            }

            // The old text is in the WAL's older frames (secure_delete zeroed it in the page it left).
            await EraseWalAsync(cancellationToken);
            return true;
        }
        finally
        {
            writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<MemoryEntry>> ListAsync(MemoryListFilter filter, ListCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        // SQLite's own lower() and LIKE fold ASCII only; .NET folds every script.
        connection.CreateFunction("contains_ignoring_case", (string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase));
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        void Add(string condition, string name, object value)
        {
            where.Add(condition);
            command.Parameters.AddWithValue(name, value);
        }

        if (filter.TextContains is { } text)
        {
            Add("contains_ignoring_case(text, $text)", "$text", text);
        }

        if (filter.SessionId is { } session)
        {
            Add("session_id = $session", "$session", session);
        }

        if (filter.Speaker is { } speaker)
        {
            Add("role = $role", "$role", (int)speaker);
        }

        if (filter.Origin is { } origin)
        {
            Add("origin = $origin", "$origin", (int)origin);
        }

        if (filter.CreatedAfter is { } createdAfter)
        {
            Add("created_at_us >= $after", "$after", Microseconds.FromTime(createdAfter));
        }

        if (filter.CreatedBefore is { } createdBefore)
        {
            Add("created_at_us < $before", "$before", Microseconds.FromTime(createdBefore));
        }

        if (filter.PinnedOnly)
        {
            where.Add("pinned = 1");
        }

        if (after is not null)
        {
            Add("(created_at_us < $cursorTime OR (created_at_us = $cursorTime AND id < $cursorId))", "$cursorTime", after.CreatedAtMicroseconds);
            command.Parameters.AddWithValue("$cursorId", after.Id.ToString());
        }

        command.CommandText = $"""
            SELECT {Columns} FROM memories {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY created_at_us DESC, id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", limit);
        var page = new List<MemoryEntry>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(ReadEntry(reader));
        }

        return page;
    }

    /// <summary>Deletes the memories matching <paramref name="where"/> from the database, the index and the WAL.</summary>
    private async Task<long> DeleteWhereAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            var ids = new List<Guid>();
            await using (var command = Writer.CreateCommand())
            {
                command.CommandText = $"DELETE FROM memories WHERE {where} RETURNING id";
                bind(command);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(Guid.Parse(reader.GetString(0)));
                }
            }

            var current = Index;
            foreach (var id in ids)
            {
                current.Remove(id);
            }

            if (ids.Count > 0)
            {
                await EraseWalAsync(cancellationToken);
            }

            return ids.Count;
        }
        finally
        {
            writeGate.Release();
        }
    }
}
