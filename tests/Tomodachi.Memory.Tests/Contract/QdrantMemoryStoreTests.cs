using Microsoft.Extensions.Logging.Abstractions;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Contract;

/// <summary>
/// The contract against a real Qdrant server, e.g. TOMODACHI_TEST_QDRANT=http://localhost:6334. Each test
/// gets its own collection and deletes it afterwards.
/// </summary>
[RequiresEnvironment(Variable, "the gRPC URL of a Qdrant server (e.g. http://localhost:6334)")]
public sealed class QdrantMemoryStoreTests : MemoryStoreContract
{
    private const string Variable = "TOMODACHI_TEST_QDRANT";

    private readonly string collection = $"tomodachi_test_{Guid.NewGuid():N}";

    protected override IMemoryStore CreateStore() => new QdrantMemoryStore(
        QdrantMemoryStore.CreateClient(Environment.GetEnvironmentVariable(Variable)!, NullLoggerFactory.Instance),
        collection,
        NullLogger<QdrantMemoryStore>.Instance,
        TimeProvider.System);

    protected override async Task CleanUpAsync()
    {
        using var client = QdrantMemoryStore.CreateClient(Environment.GetEnvironmentVariable(Variable)!, NullLoggerFactory.Instance);
        // The alias goes with the collections it names.
        foreach (var name in (await client.ListCollectionsAsync()).Where(c => c.StartsWith(collection, StringComparison.Ordinal)))
        {
            await client.DeleteCollectionAsync(name);
        }
    }
}
