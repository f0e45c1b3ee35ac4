using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Memory;

/// <summary>
/// Talks to the memory service with a deadline on every call: a slow or absent memory service costs a chat at most
/// <see cref="InferenceOptions.MemoryTimeout"/>, never the reply.
/// </summary>
public sealed class GrpcMemoryRecall(
    MemoryService.MemoryServiceClient client,
    IOptions<InferenceOptions> options,
    TimeProvider time,
    ILogger<GrpcMemoryRecall> logger) : IMemoryRecall
{
    private const int MaxHits = 100;

    public async Task<RecallResult> SearchAsync(string query, IReadOnlySet<string> alreadyInPrompt, CancellationToken cancellationToken)
    {
        var topK = options.Value.MemoryTopK;
        try
        {
            // Asked for more than needed, since hits the prompt already holds are dropped afterwards.
            var request = new SearchRequest
            {
                Query = query,
                K = (uint)Math.Min(MaxHits, topK + alreadyInPrompt.Count),
                Filter = new SearchFilter { Role = MemoryRole.User },
            };
            var response = await client.SearchAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
            var fresh = response.Hits.Select(h => h.Memory.Text).Where(text => !alreadyInPrompt.Contains(text.Trim())).Take(topK).ToList();
            return new RecallResult(true, fresh);
        }
        catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
        {
            // The turn was stopped (client gone, conversation deleted): a cancellation, not a memory failure.
            throw new OperationCanceledException("The memory search was cancelled with its turn.", exception, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Best effort by design: unreachable, unresolvable or failing, the chat goes on without memories.
            logger.LogWarning("Memory search failed ({Error}); replying without memories", Describe(exception));
            return new RecallResult(false, []);
        }
    }

    public async Task<bool> StoreUserMessageAsync(string sessionId, string userMessage, CancellationToken cancellationToken)
    {
        var now = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(time.GetUtcNow());
        var request = new StoreBatchRequest
        {
            Memories = { new NewMemory { Text = userMessage, Role = MemoryRole.User, SessionId = sessionId, CreatedAt = now } },
        };

        try
        {
            await client.StoreBatchAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Storing the user's message in memory failed ({Error})", Describe(exception));
            return false;
        }
    }

    public Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        DeleteAsync(new DeleteRequest { SessionId = sessionId }, "the conversation's memories", cancellationToken);

    public Task<long> DeleteAllAsync(CancellationToken cancellationToken) =>
        DeleteAsync(new DeleteRequest { All = true }, "the memories", cancellationToken);

    private async Task<long> DeleteAsync(DeleteRequest request, string what, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.DeleteAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
            return (long)response.DeletedCount;
        }
        catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MemoryUnavailableException(
                $"The memory service could not delete {what} ({exception.StatusCode}); nothing was deleted, try again.", exception);
        }
    }

    private static string Describe(Exception exception) =>
        exception is RpcException rpc ? rpc.StatusCode.ToString() : exception.GetType().Name;

    // gRPC deadlines are wall-clock instants; the remaining budget itself comes from the TimeProvider.
    private DateTime Deadline() => time.GetUtcNow().UtcDateTime + options.Value.MemoryTimeout;
}
