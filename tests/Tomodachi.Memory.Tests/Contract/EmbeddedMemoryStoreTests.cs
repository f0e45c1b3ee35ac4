using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Storage;

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

    [Fact]
    public async Task Size_is_the_database_and_its_WAL_files()
    {
        var figures = await Store.GetFiguresAsync(default);

        var files = dataDirectory.GetFiles(EmbeddedMemoryStore.DatabaseFileName + "*").Sum(f => f.Length);
        Assert.Equal(files, figures.SizeBytes);
        Assert.False(figures.SizeIsEstimate);
    }
}
