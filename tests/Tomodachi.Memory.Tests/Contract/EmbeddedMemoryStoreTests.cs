using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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

    [Fact]
    public async Task Size_is_the_database_and_its_WAL_files()
    {
        var figures = await Store.GetFiguresAsync(default);

        var files = dataDirectory.GetFiles(EmbeddedMemoryStore.DatabaseFileName + "*").Sum(f => f.Length);
        Assert.Equal(files, figures.SizeBytes);
        Assert.False(figures.SizeIsEstimate);
    }
}
