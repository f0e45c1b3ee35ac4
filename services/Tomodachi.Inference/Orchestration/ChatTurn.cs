using Tomodachi.Inference.Models;

namespace Tomodachi.Inference.Orchestration;

/// <summary>Sampling settings a request overrides; null keeps the persona's.</summary>
public sealed record SamplingOverrides(float? Temperature, float? TopP, int? TopK, float? RepeatPenalty, uint? Seed);

/// <summary>One validated user message.</summary>
public sealed record ChatTurn(string SessionId, string Message, string? Persona, int? MaxTokens, SamplingOverrides? Sampling);

/// <summary>No model is loaded; the message says why, and <see cref="Loading"/> whether one is on its way.</summary>
public sealed class ModelNotLoadedException(string message, bool loading) : Exception(message)
{
    public bool Loading { get; } = loading;

    public static ModelNotLoadedException For(IModelManager models) => models.Loading
        ? new("The model is still loading; try again in a moment.", loading: true)
        : new($"No model is loaded: {models.Describe().LoadError ?? "unknown reason"}", loading: false);
}

/// <summary>The prompt does not fit a chat's context.</summary>
public sealed class PromptTooLongException(string message) : Exception(message);
