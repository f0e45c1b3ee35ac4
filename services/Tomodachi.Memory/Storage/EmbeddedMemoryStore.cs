using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// The default backend: one SQLite database in WAL mode holds memories and vectors, and a
/// <see cref="VectorIndex"/> loaded at start-up answers searches. Writes go to the database first
/// (synchronous=FULL: a committed transaction survives a crash) and then to the index.
/// </summary>
public sealed partial class EmbeddedMemoryStore(IOptions<MemoryOptions> options, ILogger<EmbeddedMemoryStore> logger) : IMemoryStore
{
    public const string BackendName = "embedded";
    public const string DatabaseFileName = "memories.db";

    private const string Columns = "id, text, role, session_id, created_at_us, metadata, pinned, origin";

    private readonly string databasePath = Path.Combine(options.Value.DataDirectory, DatabaseFileName);
    // One writer at a time: SQLite allows no more, and the index must change in the same order as the database.
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private const string TargetEmbedderKey = "target_embedder";
    private const string TargetDimensionKey = "target_dimension";

    private SqliteConnection? writer;
    // The index and the embedder of its vectors change together when a re-embedding completes.
    private volatile LiveIndex? live;

    public string Backend => BackendName;

    private VectorIndex Index => (live ?? throw new InvalidOperationException("The embedded store is not open.")).Index;

    private SqliteConnection Writer => writer ?? throw new InvalidOperationException("The embedded store is not open.");

    public async Task<EmbedderIdentity> OpenAsync(EmbedderIdentity embedder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        writer = await OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(writer, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS memories (
                id TEXT PRIMARY KEY,
                text TEXT NOT NULL,
                role INTEGER NOT NULL,
                session_id TEXT NOT NULL,
                created_at_us INTEGER NOT NULL,
                metadata TEXT NOT NULL,
                vector BLOB NOT NULL,
                pinned INTEGER NOT NULL DEFAULT 0,
                origin INTEGER NOT NULL DEFAULT 1);
            CREATE INDEX IF NOT EXISTS memories_by_session ON memories (session_id);
            CREATE INDEX IF NOT EXISTS memories_by_time ON memories (created_at_us);
            CREATE TABLE IF NOT EXISTS collection (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS pending_vectors (id TEXT PRIMARY KEY, vector BLOB NOT NULL);
            -- A memory deleted during a re-embedding loses its new vector in the same transaction, so it never comes back.
            CREATE TRIGGER IF NOT EXISTS memories_forget_pending AFTER DELETE ON memories
                BEGIN DELETE FROM pending_vectors WHERE id = old.id; END;
            """, cancellationToken);
        await AddMissingColumnsAsync(cancellationToken);

        var stored = await ReadIdentityAsync("embedder", "dimension", cancellationToken);
        if (stored is null)
        {
            await using var transaction = await writer.BeginTransactionAsync(cancellationToken);
            await WriteIdentityAsync("embedder", "dimension", embedder, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            stored = embedder;
        }

        var started = Environment.TickCount64;
        live = new LiveIndex(await LoadIndexAsync(stored.Dimension, cancellationToken), stored);
        LogLoaded(live.Index.Count, Environment.TickCount64 - started, databasePath);
        return stored;
    }

    public async Task UpsertAsync(IReadOnlyList<EmbeddedMemory> memories, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            await using (var transaction = await Writer.BeginTransactionAsync(cancellationToken))
            {
                await using var command = Writer.CreateCommand();
                command.CommandText = $"""
                    INSERT INTO memories ({Columns}, vector) VALUES ($id, $text, $role, $session, $created, $metadata, $pinned, $origin, $vector)
                    ON CONFLICT (id) DO UPDATE SET text = excluded.text, role = excluded.role, session_id = excluded.session_id,
                        created_at_us = excluded.created_at_us, metadata = excluded.metadata, vector = excluded.vector,
                        pinned = excluded.pinned, origin = excluded.origin
                    """;
                await using var pending = Writer.CreateCommand();
                pending.CommandText = """
                    INSERT INTO pending_vectors (id, vector) VALUES ($id, $vector)
                    ON CONFLICT (id) DO UPDATE SET vector = excluded.vector
                    """;
                foreach (var memory in memories)
                {
                    var entry = memory.Entry;
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$id", entry.Id.ToString());
                    command.Parameters.AddWithValue("$text", entry.Text);
                    command.Parameters.AddWithValue("$role", (int)entry.Speaker);
                    command.Parameters.AddWithValue("$session", entry.SessionId);
                    command.Parameters.AddWithValue("$created", Microseconds.FromTime(entry.CreatedAt));
                    command.Parameters.AddWithValue("$metadata", JsonSerializer.Serialize(entry.Metadata));
                    command.Parameters.AddWithValue("$pinned", entry.Pinned);
                    command.Parameters.AddWithValue("$origin", (int)entry.Origin);
                    // An empty vector: embedded only by the re-embedding's target so far (see EmbeddedMemory).
                    command.Parameters.AddWithValue("$vector", Bytes(memory.Vector ?? []));
                    await command.ExecuteNonQueryAsync(cancellationToken);
                    if (memory.TargetVector is { } target)
                    {
                        pending.Parameters.Clear();
                        pending.Parameters.AddWithValue("$id", entry.Id.ToString());
                        pending.Parameters.AddWithValue("$vector", Bytes(target));
                        await pending.ExecuteNonQueryAsync(cancellationToken);
                    }
                }

                await transaction.CommitAsync(cancellationToken);
            }

            var current = Index;
            foreach (var memory in memories)
            {
                var entry = memory.Entry;
                if (memory.Vector is { } vector)
                {
                    current.Upsert(entry.Id, vector, Microseconds.FromTime(entry.CreatedAt), entry.Speaker, entry.SessionId);
                }
                else
                {
                    current.Remove(entry.Id);
                }
            }
        }
        finally
        {
            writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(
        float[] query, int k, MemoryFilter filter, CancellationToken cancellationToken, EmbedderIdentity? madeBy = null)
    {
        var current = live ?? throw new InvalidOperationException("The embedded store is not open.");
        if (madeBy is not null && madeBy != current.Identity)
        {
            throw new StaleQueryException($"The query was embedded with {madeBy}; the memories' vectors are now {current.Identity}'s.");
        }

        var ranked = current.Index.Search(query, k, filter);
        if (ranked.Count == 0)
        {
            return [];
        }

        var entries = await ReadEntriesAsync(ranked.Select(r => r.Id).ToList(), cancellationToken);
        // A memory deleted between scoring and reading is simply no longer a hit.
        return ranked
            .Where(r => entries.ContainsKey(r.Id))
            .Select(r => new MemoryHit(entries[r.Id], r.Score))
            .ToList();
    }

    public async Task<MemoryEntry?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var entries = await ReadEntriesAsync([id], cancellationToken);
        return entries.GetValueOrDefault(id);
    }

    public async Task<long> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Writer.CreateCommand();
            command.CommandText = "DELETE FROM memories WHERE id = $id";
            command.Parameters.AddWithValue("$id", id.ToString());
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            Index.Remove(id);
            if (deleted > 0)
            {
                await EraseWalAsync(cancellationToken);
            }

            return deleted;
        }
        finally
        {
            writeGate.Release();
        }
    }

    public Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        DeleteWhereAsync("session_id = $session", command => command.Parameters.AddWithValue("$session", sessionId), cancellationToken);

    public async IAsyncEnumerable<MemoryEntry> ExportAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM memories ORDER BY created_at_us, id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadEntry(reader);
        }
    }

    public Task<StoreFigures> GetFiguresAsync(CancellationToken cancellationToken)
    {
        var (count, oldest, newest) = Index.Figures();
        // The WAL holds committed transactions until a checkpoint copies them into the database, so it counts.
        var size = new[] { databasePath, databasePath + "-wal", databasePath + "-shm" }
            .Select(path => new FileInfo(path))
            .Where(file => file.Exists)
            .Sum(file => file.Length);
        return Task.FromResult(new StoreFigures(
            count,
            size,
            SizeIsEstimate: false,
            oldest is { } o ? Microseconds.ToTime(o) : null,
            newest is { } n ? Microseconds.ToTime(n) : null));
    }

    public async Task<ReembeddingProgress?> GetReembeddingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        var target = await ReadIdentityAsync(TargetEmbedderKey, TargetDimensionKey, cancellationToken, connection);
        if (target is null)
        {
            return null;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM pending_vectors), (SELECT count(*) FROM memories)";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ReembeddingProgress(target, reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task BeginReembeddingAsync(EmbedderIdentity target, CancellationToken cancellationToken)
    {
        await InWriteTransactionAsync(async () =>
        {
            if (await ReadIdentityAsync(TargetEmbedderKey, TargetDimensionKey, cancellationToken) != target)
            {
                await ExecuteAsync(Writer, "DELETE FROM pending_vectors", cancellationToken);
                await WriteIdentityAsync(TargetEmbedderKey, TargetDimensionKey, target, cancellationToken);
            }
        }, cancellationToken);
    }

    public Task AbandonReembeddingAsync(CancellationToken cancellationToken) =>
        InWriteTransactionAsync(() => ExecuteAsync(Writer, $"""
            DELETE FROM pending_vectors;
            DELETE FROM collection WHERE key IN ('{TargetEmbedderKey}', '{TargetDimensionKey}');
            """, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<(Guid Id, string Text)>> NextToReembedAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, text FROM memories WHERE id NOT IN (SELECT id FROM pending_vectors) ORDER BY created_at_us, id LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        var next = new List<(Guid, string)>(max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            next.Add((Guid.Parse(reader.GetString(0)), reader.GetString(1)));
        }

        return next;
    }

    public Task AddReembeddedAsync(IReadOnlyList<(Guid Id, float[] Vector)> vectors, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(async () =>
        {
            await using var command = Writer.CreateCommand();
            command.CommandText = """
                INSERT INTO pending_vectors (id, vector) SELECT $id, $vector WHERE EXISTS (SELECT 1 FROM memories WHERE id = $id)
                ON CONFLICT (id) DO NOTHING
                """;
            foreach (var (id, vector) in vectors)
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$id", id.ToString());
                command.Parameters.AddWithValue("$vector", Bytes(vector));
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);

    public async Task<bool> CompleteReembeddingAsync(CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            EmbedderIdentity target;
            await using (var transaction = await Writer.BeginTransactionAsync(cancellationToken))
            {
                target = await ReadIdentityAsync(TargetEmbedderKey, TargetDimensionKey, cancellationToken)
                         ?? throw new InvalidOperationException("No re-embedding is under way.");
                await using (var missing = Writer.CreateCommand())
                {
                    missing.CommandText = "SELECT count(*) FROM memories WHERE id NOT IN (SELECT id FROM pending_vectors)";
                    if ((long)(await missing.ExecuteScalarAsync(cancellationToken))! > 0)
                    {
                        return false;
                    }
                }

                await ExecuteAsync(Writer, $"""
                    UPDATE memories SET vector = (SELECT vector FROM pending_vectors p WHERE p.id = memories.id);
                    DELETE FROM pending_vectors;
                    DELETE FROM collection WHERE key IN ('{TargetEmbedderKey}', '{TargetDimensionKey}');
                    """, cancellationToken);
                await WriteIdentityAsync("embedder", "dimension", target, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            live = new LiveIndex(await LoadIndexAsync(target.Dimension, cancellationToken), target);
            return true;
        }
        finally
        {
            writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (writer is not null)
        {
            await writer.DisposeAsync();
        }

        writeGate.Dispose();
    }

    /// <summary>A database made before memories could be pinned or imported gets the columns, with "unpinned, stored".</summary>
    private async Task AddMissingColumnsAsync(CancellationToken cancellationToken)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = Writer.CreateCommand())
        {
            command.CommandText = "SELECT name FROM pragma_table_info('memories')";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                present.Add(reader.GetString(0));
            }
        }

        if (!present.Contains("pinned"))
        {
            await ExecuteAsync(Writer, "ALTER TABLE memories ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0", cancellationToken);
        }

        if (!present.Contains("origin"))
        {
            await ExecuteAsync(Writer, $"ALTER TABLE memories ADD COLUMN origin INTEGER NOT NULL DEFAULT {(int)Origin.Stored}", cancellationToken);
        }
    }

    /// <summary>
    /// Copies the zeroed pages into the database and empties the WAL, whose older frames still hold the deleted text:
    /// deleted means gone from the disk, not only from the answers.
    /// </summary>
    private Task EraseWalAsync(CancellationToken cancellationToken) =>
        ExecuteAsync(Writer, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenReaderAsync(cancellationToken);
        // FULL makes every commit wait for the WAL to reach the disk: acknowledged means durable, even on power loss.
        // secure_delete zeroes what a delete frees, so a forgotten memory's text does not linger in free pages.
        await ExecuteAsync(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;", cancellationToken);
        return connection;
    }

    /// <summary>
    /// A pooled connection for reading only: in WAL mode readers do not wait for the writer (and Microsoft.Data.Sqlite
    /// retries a busy database by itself), so it needs neither pragma, and every search saves their round trip.
    /// </summary>
    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InWriteTransactionAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await Writer.BeginTransactionAsync(cancellationToken);
            await work();
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            writeGate.Release();
        }
    }

    private static byte[] Bytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    private async Task<EmbedderIdentity?> ReadIdentityAsync(
        string nameKey, string dimensionKey, CancellationToken cancellationToken, SqliteConnection? connection = null)
    {
        await using var command = (connection ?? Writer).CreateCommand();
        command.CommandText = "SELECT key, value FROM collection WHERE key IN ($name, $dimension)";
        command.Parameters.AddWithValue("$name", nameKey);
        command.Parameters.AddWithValue("$dimension", dimensionKey);
        var values = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values[reader.GetString(0)] = reader.GetString(1);
        }

        return values.TryGetValue(nameKey, out var name) && values.TryGetValue(dimensionKey, out var dimension)
            ? new EmbedderIdentity(name, int.Parse(dimension, System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    private async Task WriteIdentityAsync(string nameKey, string dimensionKey, EmbedderIdentity identity, CancellationToken cancellationToken)
    {
        await using var command = Writer.CreateCommand();
        command.CommandText = """
            INSERT INTO collection (key, value) VALUES ($nameKey, $name), ($dimensionKey, $dimension)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """;
        command.Parameters.AddWithValue("$nameKey", nameKey);
        command.Parameters.AddWithValue("$dimensionKey", dimensionKey);
        command.Parameters.AddWithValue("$name", identity.Name);
        command.Parameters.AddWithValue("$dimension", identity.Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<VectorIndex> LoadIndexAsync(int dimension, CancellationToken cancellationToken)
    {
        var loaded = new VectorIndex(dimension);
        var buffer = new byte[dimension * sizeof(float)];
        await using var command = Writer.CreateCommand();
        command.CommandText = "SELECT id, role, session_id, created_at_us, vector FROM memories";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = Guid.Parse(reader.GetString(0));
            var length = reader.GetBytes(4, 0, null, 0, 0);
            if (length == 0)
            {
                // Stored during a re-embedding that the previous embedder could not join: found once it completes.
                continue;
            }

            if (length != buffer.Length)
            {
                throw new InvalidDataException($"Memory {id} has a vector of the wrong size; expected {dimension} dimensions.");
            }

            reader.GetBytes(4, 0, buffer, 0, buffer.Length);
            loaded.Upsert(id, MemoryMarshal.Cast<byte, float>(buffer), reader.GetInt64(3), (Speaker)reader.GetInt32(1), reader.GetString(2));
        }

        return loaded;
    }

    private async Task<Dictionary<Guid, MemoryEntry>> ReadEntriesAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var names = ids.Select((_, i) => $"$id{i}").ToList();
        command.CommandText = $"SELECT {Columns} FROM memories WHERE id IN ({string.Join(", ", names)})";
        for (var i = 0; i < ids.Count; i++)
        {
            command.Parameters.AddWithValue(names[i], ids[i].ToString());
        }

        var entries = new Dictionary<Guid, MemoryEntry>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var entry = ReadEntry(reader);
            entries[entry.Id] = entry;
        }

        return entries;
    }

    private static MemoryEntry ReadEntry(SqliteDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.GetString(1),
        (Speaker)reader.GetInt32(2),
        reader.GetString(3),
        Microseconds.ToTime(reader.GetInt64(4)),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
        reader.GetInt64(6) != 0,
        (Origin)reader.GetInt32(7));

    private sealed record LiveIndex(VectorIndex Index, EmbedderIdentity Identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded store loaded {Count} memories in {ElapsedMs} ms from {Path}")]
    private partial void LogLoaded(int count, long elapsedMs, string path);
}
