namespace Tomodachi.Inference.Memory;

/// <summary>What a memory search returned.</summary>
/// <param name="Available">False when the memory service did not answer in time.</param>
public sealed record RecallResult(bool Available, IReadOnlyList<string> Memories)
{
    public static readonly RecallResult NotSearched = new(false, []);
}

/// <summary>The memory service could not be reached to delete what it holds.</summary>
public sealed class MemoryUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Long-term memory as the chat sees it: search before replying, store what the user stated afterwards. The model's
/// replies are not memories: they stay in the conversation's history in the journal, so a reply never comes back as
/// something Tomodachi "remembers about the user".
/// </summary>
public interface IMemoryRecall
{
    /// <summary>
    /// Finds what the user told Tomodachi that matches <paramref name="query"/>: user memories only (the model's own
    /// replies are not things it remembers about the user), leaving out texts the prompt already holds.
    /// Never throws for an unreachable service.
    /// </summary>
    Task<RecallResult> SearchAsync(string query, IReadOnlySet<string> alreadyInPrompt, CancellationToken cancellationToken);

    /// <summary>Stores the user's message as stated by the user (role USER); returns false when the service did not take it.</summary>
    Task<bool> StoreUserMessageAsync(string sessionId, string userMessage, CancellationToken cancellationToken);

    /// <summary>Deletes every memory of a conversation; returns how many.</summary>
    /// <exception cref="MemoryUnavailableException">The memory service did not answer.</exception>
    Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Deletes every memory, pinned ones too; returns how many.</summary>
    /// <exception cref="MemoryUnavailableException">The memory service did not answer.</exception>
    Task<long> DeleteAllAsync(CancellationToken cancellationToken);
}
