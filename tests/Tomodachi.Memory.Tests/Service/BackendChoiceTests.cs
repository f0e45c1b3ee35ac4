using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>The backend is what Memory:Backend says, never what happens to be reachable.</summary>
public sealed class BackendChoiceTests
{
    [Fact]
    public async Task A_Qdrant_connection_string_alone_keeps_the_embedded_store()
    {
        await using var service = new MemoryServiceFactory();
        service.Settings["Memory:Embedder"] = "Lexical";
        service.Settings["ConnectionStrings:qdrant"] = "Endpoint=http://127.0.0.1:6334";

        var stored = await service.Client.StoreAsync(Store("kept in SQLite"));
        var stats = (await service.Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Equal("embedded", stats.Backend);
        Assert.Equal(1ul, stats.Count);
        Assert.True(Guid.TryParse(stored.Id, out _));
    }

    [Fact]
    public async Task Qdrant_without_a_connection_string_stops_the_start_saying_what_to_set()
    {
        await using var service = new MemoryServiceFactory();
        service.Settings["Memory:Backend"] = "Qdrant";

        var error = Assert.Throws<InvalidOperationException>(() => service.Server);

        Assert.Contains("Memory:Backend is Qdrant but ConnectionStrings:qdrant is not set", error.Message);
    }
}
