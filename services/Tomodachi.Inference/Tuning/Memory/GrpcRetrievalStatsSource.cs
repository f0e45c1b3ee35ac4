using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>Asks the memory service, within the chats' memory budget; a memory service that does not answer is a reason, not an error.</summary>
public sealed class GrpcRetrievalStatsSource(
    MemoryService.MemoryServiceClient client, TimeProvider time, IOptions<InferenceOptions> inference) : IRetrievalStatsSource
{
    public async Task<(GetRetrievalStatsResponse? Stats, string? Unavailable)> ReadAsync(CancellationToken ct)
    {
        try
        {
            // The stats walk the whole store once: give them a few times the budget of one search.
            var deadline = time.GetUtcNow().UtcDateTime + 5 * inference.Value.MemoryTimeout;
            return (await client.GetRetrievalStatsAsync(new GetRetrievalStatsRequest(), deadline: deadline, cancellationToken: ct), null);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            return (null, $"the memory service did not give its retrieval stats ({e.StatusCode}: {e.Status.Detail})");
        }
    }
}
