using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Journal;

/// <summary>One earlier turn of a conversation as its prompt held it.</summary>
/// <param name="UserMessage">What the user wrote.</param>
/// <param name="UserContent">The user message as it went into the prompt, recalled memories included.</param>
public sealed record JournaledExchange(string TurnId, string UserMessage, string UserContent, string Reply);

/// <summary>
/// A conversation's turns for its next prompt: the live (not replaced) turns after the ones its latest prompt had
/// already dropped, oldest first.
/// </summary>
/// <param name="Skipped">Live turns before <see cref="Turns"/>, left out by earlier prompts.</param>
public sealed record ConversationHistory(IReadOnlyList<JournaledExchange> Turns, int Skipped)
{
    public static readonly ConversationHistory Empty = new([], 0);
}

/// <summary>
/// The conversations kept in the turn journal: a conversation is the turns journaled under one session id with
/// <c>listed</c> set, plus a title. The journal is their single source of truth; the browser keeps nothing.
/// </summary>
public interface IConversationStore
{
    /// <summary>The session's turns for its next prompt; empty for a session with none.</summary>
    Task<ConversationHistory> ReadHistoryAsync(string sessionId, CancellationToken ct);

    /// <summary>
    /// The messages a journaled turn's prompt was made of (system prompt, history, user message as sent), rebuilt
    /// exactly; null for a turn journaled before prompts were recorded or an unknown turn id.
    /// </summary>
    Task<IReadOnlyList<PromptMessage>?> ReadPromptAsync(string turnId, CancellationToken ct);

    /// <summary>One page of conversations, most recently active first.</summary>
    /// <exception cref="ArgumentException">Page size out of range, or a page token this journal did not issue.</exception>
    Task<ListConversationsResponse> ListConversationsAsync(ListConversationsRequest request, CancellationToken ct);

    /// <summary>The conversation and its newest live turns (at most <see cref="SqliteTurnJournal.MaxConversationTurns"/>), oldest first; null when unknown.</summary>
    Task<GetConversationResponse?> GetConversationAsync(string sessionId, CancellationToken ct);

    /// <summary>Sets the title; null when the conversation is unknown.</summary>
    Task<Conversation?> RenameConversationAsync(string sessionId, string title, CancellationToken ct);

    /// <summary>Deletes the conversation and all its turns; returns the number of turns deleted, or null when unknown.</summary>
    Task<int?> DeleteConversationAsync(string sessionId, CancellationToken ct);

    /// <summary>Deletes every conversation and every turn (unlisted ones too); returns how many of each.</summary>
    Task<(int Conversations, int Turns)> DeleteEverythingAsync(CancellationToken ct);
}
