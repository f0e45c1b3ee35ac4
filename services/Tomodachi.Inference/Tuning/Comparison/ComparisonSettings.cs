namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>What a comparison runs; null fields take the configured defaults.</summary>
/// <param name="Persona">A configured persona, or null for the default one.</param>
/// <param name="AdapterPath">The adapter to compare, or null for the persona's.</param>
/// <param name="AdapterScale">Scale to apply the adapter with, or null for the persona's (1 for an adapter path).</param>
/// <param name="PromptSuitePath">The suite file, or null for Inference:Tuning:PromptSuitePath.</param>
/// <param name="MaxTokens">Most tokens per reply, or null for Inference:Tuning:ComparisonMaxTokens.</param>
public sealed record ComparisonSettings(
    string? Persona = null,
    string? AdapterPath = null,
    float? AdapterScale = null,
    string? PromptSuitePath = null,
    int? MaxTokens = null);
