using Grpc.Core;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>The calls that need a usable embedder, each expected to be refused with FailedPrecondition and the reason.</summary>
internal static class VectorWorkRefusals
{
    /// <summary>Store, Search and Embed all answer FailedPrecondition, and every message holds each of <paramref name="parts"/>.</summary>
    public static async Task AssertRefusedAsync(MemoryService.MemoryServiceClient client, params string[] parts)
    {
        var errors = new[]
        {
            await Assert.ThrowsAsync<RpcException>(() => client.StoreAsync(Store("hello")).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => client.SearchAsync(Search("hello")).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => client.EmbedAsync(new EmbedRequest { Texts = { "hello" } }).ResponseAsync),
        };

        foreach (var error in errors)
        {
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            foreach (var part in parts)
            {
                Assert.True(error.Status.Detail.Contains(part, StringComparison.Ordinal), $"'{part}' is not in: {error.Status.Detail}");
            }
        }
    }
}
