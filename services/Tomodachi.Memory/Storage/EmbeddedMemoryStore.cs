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

    private const string Columns = "id, text, role, session_id, created_at_us, metadata";

    private readonly string databasePath = Path.Combine(options.Value.DataDirectory, DatabaseFileName);
    // One writer at a time: SQLite allows no more, and the index must change in the same order as the database.
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private SqliteConnection? writer;
    private volatile VectorIndex? index;

    public string Backend => BackendName;

    private VectorIndex Index => index ?? throw new InvalidOperationException("The embedded store is not open.");

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
                vector BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS memories_by_session ON memories (session_id);
            CREATE INDEX IF NOT EXISTS memories_by_time ON memories (created_at_us);
            CREATE TABLE IF NOT EXISTS collection (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """, cancellationToken);

        var stored = await ReadIdentityAsync(cancellationToken);
        if (stored is null)
        {
            await using var transaction = await writer.BeginTransactionAsync(cancellationToken);
            await WriteIdentityAsync(embedder, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            stored = embedder;
        }

        var started = Environment.TickCount64;
        index = await LoadIndexAsync(stored.Dimension, cancellationToken);
        LogLoaded(index.Count, Environment.TickCount64 - started, databasePath);
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
                    INSERT INTO memories ({Columns}, vector) VALUES ($id, $text, $role, $session, $created, $metadata, $vector)
                    ON CONFLICT (id) DO UPDATE SET text = excluded.text, role = excluded.role, session_id = excluded.session_id,
                        created_at_us = excluded.created_at_us, metadata = excluded.metadata, vector = excluded.vector
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
                    command.Parameters.AddWithValue("$vector", MemoryMarshal.AsBytes(memory.Vector.AsSpan()).ToArray());
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            var current = Index;
            foreach (var memory in memories)
            {
                var entry = memory.Entry;
                current.Upsert(entry.Id, memory.Vector, Microseconds.FromTime(entry.CreatedAt), entry.Speaker, entry.SessionId);
            }
        }
        finally
        {
            writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(float[] query, int k, MemoryFilter filter, CancellationToken cancellationToken)
    {
        var ranked = Index.Search(query, k, filter);
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
            return deleted;
        }
        finally
        {
            writeGate.Release();
        }
    }

    public async Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            var ids = new List<Guid>();
            await using (var command = Writer.CreateCommand())
            {
                command.CommandText = "DELETE FROM memories WHERE session_id = $session RETURNING id";
                command.Parameters.AddWithValue("$session", sessionId);
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

            return ids.Count;
        }
        finally
        {
            writeGate.Release();
        }
    }

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

    public async Task<long> ReindexAsync(IEmbedder embedder, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            var texts = new List<(string Id, string Text)>();
            await using (var command = Writer.CreateCommand())
            {
                command.CommandText = "SELECT id, text FROM memories";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    texts.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            await using (var transaction = await Writer.BeginTransactionAsync(cancellationToken))
            {
                await using var command = Writer.CreateCommand();
                command.CommandText = "UPDATE memories SET vector = $vector WHERE id = $id";
                foreach (var (id, text) in texts)
                {
                    var vector = await embedder.EmbedAsync(text, cancellationToken);
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$id", id);
                    command.Parameters.AddWithValue("$vector", MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await WriteIdentityAsync(new EmbedderIdentity(embedder.Name, embedder.Dimension), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            index = await LoadIndexAsync(embedder.Dimension, cancellationToken);
            return texts.Count;
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

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenReaderAsync(cancellationToken);
        // FULL makes every commit wait for the WAL to reach the disk: acknowledged means durable, even on power loss.
        await ExecuteAsync(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;", cancellationToken);
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

    private async Task<EmbedderIdentity?> ReadIdentityAsync(CancellationToken cancellationToken)
    {
        await using var command = Writer.CreateCommand();
        command.CommandText = "SELECT key, value FROM collection WHERE key IN ('embedder', 'dimension')";
        var values = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values[reader.GetString(0)] = reader.GetString(1);
        }

        return values.TryGetValue("embedder", out var name) && values.TryGetValue("dimension", out var dimension)
            ? new EmbedderIdentity(name, int.Parse(dimension, System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    private async Task WriteIdentityAsync(EmbedderIdentity identity, CancellationToken cancellationToken)
    {
        await using var command = Writer.CreateCommand();
        command.CommandText = """
            INSERT INTO collection (key, value) VALUES ('embedder', $name), ('dimension', $dimension)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """;
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
            if (reader.GetBytes(4, 0, null, 0, 0) != buffer.Length)
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
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? []);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded store loaded {Count} memories in {ElapsedMs} ms from {Path}")]
    private partial void LogLoaded(int count, long elapsedMs, string path);
}
