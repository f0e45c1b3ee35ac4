using LLama.Native;

namespace Tomodachi.Inference.Generation;

/// <summary>One generation for the batch loop: a tokenized prompt in a slot's sequence.</summary>
/// <param name="Slot">The slot (KV-cache sequence) the caller holds.</param>
/// <param name="Prompt">Tokens to evaluate before sampling.</param>
/// <param name="MaxTokens">Most tokens to sample.</param>
/// <param name="ContextLimit">Prompt plus generated tokens may not reach this.</param>
/// <param name="Grammar">A GBNF grammar (root rule "root") the output must follow, or null.</param>
/// <param name="Adapter">A LoRA adapter applied while this request decodes, or null.</param>
/// <param name="AdapterScale">How strongly the adapter applies.</param>
/// <param name="Stop">Stop sequences: the reply ends before the first of them.</param>
public sealed record GenerationRequest(
    int Slot,
    IReadOnlyList<LLamaToken> Prompt,
    SamplingSettings Sampling,
    int MaxTokens,
    int ContextLimit,
    string? Grammar = null,
    LoraAdapter? Adapter = null,
    float AdapterScale = 1f,
    IReadOnlyList<string>? Stop = null);

/// <summary>Why a generation ended.</summary>
public enum GenerationStop
{
    EndOfGeneration,
    MaxTokens,
    ContextFull,
    Cancelled,
    StopSequence,
}

/// <summary>What a generation produced, with monotonic timestamps (<see cref="TimeProvider.GetTimestamp"/>).</summary>
/// <param name="CompletionTokens">Tokens sampled, not counting the end-of-generation token.</param>
/// <param name="CachedPromptTokens">Leading prompt tokens the slot's cache already held; the rest were evaluated.</param>
/// <param name="PromptEvalStarted">When the decode holding the prompt began.</param>
/// <param name="PromptEvaluatedAt">When that decode finished, or null if it never ran.</param>
/// <param name="FirstTokenAt">When the first token was sampled, or null if none was.</param>
/// <param name="LastTokenAt">When the last token was sampled, or null if none was.</param>
/// <param name="PeakBatchSequences">Most generations decoded in one step together with this one, itself included.</param>
public sealed record GenerationResult(
    string Text,
    int CompletionTokens,
    GenerationStop Stop,
    int CachedPromptTokens,
    long PromptEvalStarted,
    long? PromptEvaluatedAt,
    long? FirstTokenAt,
    long? LastTokenAt,
    int PeakBatchSequences)
{
    /// <summary>Time from the first sampled token to the last.</summary>
    public TimeSpan GenerationTime(TimeProvider time) =>
        FirstTokenAt is { } first && LastTokenAt is { } last ? time.GetElapsedTime(first, last) : TimeSpan.Zero;

    /// <summary>
    /// Tokens per second of generation. The first token comes from the prompt's decode; only the ones after it take
    /// generation time.
    /// </summary>
    public double GenerationTokensPerSecond(TimeProvider time) =>
        CompletionTokens > 1 && GenerationTime(time) is { TotalSeconds: > 0 } generation ? (CompletionTokens - 1) / generation.TotalSeconds : 0;
}
