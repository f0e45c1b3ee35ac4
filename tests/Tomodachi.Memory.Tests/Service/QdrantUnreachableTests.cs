using Grpc.Core;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// With Memory:Backend=Qdrant the service uses the Qdrant of ConnectionStrings:qdrant; when nothing answers there it stays up,
/// answers Unavailable with the reason, and its stats say what is wrong.
/// </summary>
public sealed class QdrantUnreachableTests : IAsyncLifetime
{
    private readonly MemoryServiceFactory service = new();

    public Task InitializeAsync()
    {
        service.Settings["Memory:Backend"] = "Qdrant";
        service.Settings["ConnectionStrings:qdrant"] = $"Endpoint=http://127.0.0.1:{LoopbackPort.Free()}";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task Calls_answer_Unavailable_and_the_stats_name_the_qdrant_backend_and_the_problem()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => service.Client.StoreAsync(Store("hello")).ResponseAsync);
        var stats = (await service.Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("The qdrant store could not be opened", error.Status.Detail);
        Assert.Equal("qdrant", stats.Backend);
        Assert.Contains("The qdrant store could not be opened", stats.Problem);
    }
}
