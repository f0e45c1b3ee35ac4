namespace Tomodachi.Inference.Orchestration;

/// <summary>Sampling settings a request overrides; null keeps the persona's.</summary>
public sealed record SamplingOverrides(float? Temperature, float? TopP, int? TopK, float? RepeatPenalty, uint? Seed);

/// <summary>One validated user message.</summary>
public sealed record ChatTurn(string SessionId, string Message, string? Persona, int? MaxTokens, SamplingOverrides? Sampling);

/// <summary>No model is loaded; the message says why.</summary>
public sealed class ModelNotLoadedException(string message) : Exception(message);

/// <summary>The prompt does not fit a chat's context.</summary>
public sealed class PromptTooLongException(string message) : Exception(message);
