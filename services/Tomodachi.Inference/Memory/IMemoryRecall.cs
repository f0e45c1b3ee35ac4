namespace Tomodachi.Inference.Memory;

/// <summary>What a memory search returned.</summary>
/// <param name="Available">False when the memory service did not answer in time.</param>
public sealed record RecallResult(bool Available, IReadOnlyList<string> Memories);

/// <summary>Long-term memory as the chat sees it: search before replying, store the exchange afterwards.</summary>
public interface IMemoryRecall
{
    /// <summary>Finds memories for <paramref name="query"/>; never throws for an unreachable service.</summary>
    Task<RecallResult> SearchAsync(string query, CancellationToken cancellationToken);

    /// <summary>Stores the user's message and the reply; returns false when the service did not take them.</summary>
    Task<bool> StoreExchangeAsync(string sessionId, string userMessage, string reply, CancellationToken cancellationToken);
}
