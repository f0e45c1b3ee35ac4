using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Orchestration;

/// <summary>Sampling settings a request overrides; null keeps the persona's.</summary>
public sealed record SamplingOverrides(float? Temperature, float? TopP, int? TopK, float? RepeatPenalty, uint? Seed);

/// <summary>The conversation a caller sent whole (the OpenAI door): its system text and its earlier turns.</summary>
public sealed record ClientConversation(string System, IReadOnlyList<HistoryTurn> History);

/// <summary>One validated user message and how its turn runs.</summary>
public sealed record ChatTurn(string SessionId, string Message, string? Persona, int? MaxTokens, SamplingOverrides? Sampling)
{
    /// <summary>Stop sequences.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>This turn replaces the conversation's last one (regenerate, or edit and resend).</summary>
    public bool ReplaceLastTurn { get; init; }

    public TurnSource Source { get; init; } = TurnSource.Chat;

    /// <summary>The companion: persona, orchestrator and memory recall. False for a plain chat with the model.</summary>
    public bool Companion { get; init; } = true;

    /// <summary>Part of a listed conversation: journaled as such, and the user's message remembered.</summary>
    public bool Listed { get; init; } = true;

    /// <summary>
    /// A private chat: measured and counted, but nothing of it is written — no journal row, no conversation, no memory.
    /// Its history comes with the request (<see cref="ClientConversation"/>), since the service keeps none.
    /// </summary>
    public bool Private { get; init; }

    /// <summary>A GBNF grammar the reply must follow (root rule "root"), or null for free text.</summary>
    public string? Grammar { get; init; }

    /// <summary>The conversation the caller sent, or null when the journal holds it.</summary>
    public ClientConversation? ClientConversation { get; init; }
}

/// <summary>No model is loaded; the message says why, and <see cref="Loading"/> whether one is on its way.</summary>
public sealed class ModelNotLoadedException(string message, bool loading) : Exception(message)
{
    public bool Loading { get; } = loading;

    public static ModelNotLoadedException For(IModelManager models) => models.Loading
        ? new("The model is still loading; try again in a moment.", loading: true)
        : new($"No model is loaded: {models.Describe().LoadError ?? "unknown reason"}", loading: false);
}

/// <summary>A turn names a conversation that has no turn to replace.</summary>
public sealed class NothingToReplaceException(string sessionId)
    : Exception($"Conversation '{sessionId}' has no turn to replace; send the message without replace_last_turn.");
