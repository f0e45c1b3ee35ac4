using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Storage;
using Tomodachi.Testing;

namespace Tomodachi.Memory.Tests.Contract;

public sealed class EmbeddedMemoryStoreTests : MemoryStoreContract
{
    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("tomodachi-memory-store-");

    protected override IMemoryStore CreateStore() =>
        new EmbeddedMemoryStore(Options.Create(new MemoryOptions { DataDirectory = dataDirectory.FullName }), NullLogger<EmbeddedMemoryStore>.Instance);

    protected override Task CleanUpAsync()
    {
        dataDirectory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deleted_memory_leaves_its_text_in_no_file_of_the_data_folder(bool wholeSession)
    {
        var marker = $"forget-me-{Guid.NewGuid():N}";
        var kept = $"keep-me-{Guid.NewGuid():N}";
        // The long one spills into overflow pages, which a delete frees instead of rewriting.
        var secrets = new[] { await Memory($"My secret is {marker}.", sessionId: "private"),
            await Memory(string.Concat(Enumerable.Repeat($"{marker} and more words ", 400)), sessionId: "private") };
        await Store.UpsertAsync([.. secrets, await Memory($"Remember {kept}.", sessionId: "other")], default);
        Assert.NotEmpty(DiskTraces.FilesHolding(dataDirectory.FullName, marker)); // the search can see what it looks for

        if (wholeSession)
        {
            await Store.DeleteSessionAsync("private", default);
        }
        else
        {
            foreach (var secret in secrets)
            {
                await Store.DeleteAsync(secret.Entry.Id, default);
            }
        }

        Assert.Empty(DiskTraces.FilesHolding(dataDirectory.FullName, marker));
        Assert.NotEmpty(DiskTraces.FilesHolding(dataDirectory.FullName, kept));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_edited_memory_leaves_its_old_text_in_no_file_of_the_data_folder(bool longText)
    {
        var marker = $"old-text-{Guid.NewGuid():N}";
        var kept = $"keep-me-{Guid.NewGuid():N}";
        var text = longText ? string.Concat(Enumerable.Repeat($"{marker} and more words ", 400)) : $"My secret is {marker}.";
        var secret = await Memory(text, sessionId: "private");
        await Store.UpsertAsync([secret, await Memory($"Remember {kept}.", sessionId: "other")], default);
        Assert.NotEmpty(DiskTraces.FilesHolding(dataDirectory.FullName, marker));

        var corrected = "My secret is safe now.";
        Assert.True(await Store.UpdateAsync(secret.Entry.Id, new MemoryChange(corrected, LexicalEmbedder.Embed(corrected), null, null), default));

        Assert.Empty(DiskTraces.FilesHolding(dataDirectory.FullName, marker));
        Assert.NotEmpty(DiskTraces.FilesHolding(dataDirectory.FullName, kept));
        Assert.Equal(corrected, (await Store.GetAsync(secret.Entry.Id, default))!.Text);
    }

    [Fact]
    public async Task A_database_from_before_pins_and_origins_opens_with_its_memories_unpinned_and_stored()
    {
        await Store.DisposeAsync();
        var path = Path.Combine(dataDirectory.FullName, EmbeddedMemoryStore.DatabaseFileName);
        var id = Guid.NewGuid();
        const string EmptyJson = "{}";
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                DROP TABLE memories;
                CREATE TABLE memories (id TEXT PRIMARY KEY, text TEXT NOT NULL, role INTEGER NOT NULL, session_id TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL, metadata TEXT NOT NULL, vector BLOB NOT NULL);
                INSERT INTO memories VALUES ('{id}', 'from an older version', 1, 's1', 0, '{EmptyJson}', x'');
                """;
            await command.ExecuteNonQueryAsync();
        }

        await using var reopened = CreateStore();
        await reopened.OpenAsync(Lexical, default);

        var read = await reopened.GetAsync(id, default);
        Assert.Equal(("from an older version", false, Origin.Stored), (read!.Text, read.Pinned, read.Origin));
    }

    [Fact]
    public async Task Size_is_the_database_and_its_WAL_files()
    {
        var figures = await Store.GetFiguresAsync(default);

        var files = dataDirectory.GetFiles(EmbeddedMemoryStore.DatabaseFileName + "*").Sum(f => f.Length);
        Assert.Equal(files, figures.SizeBytes);
        Assert.False(figures.SizeIsEstimate);
    }
}
