using System.Diagnostics;
using Tomodachi.Inference.Extensions;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Telemetry;

/// <summary>
/// The stages of a chat as spans, so the Aspire dashboard shows one trace per chat: gateway → inference
/// (orchestrate, memory.search, generate, memory.store) → memory. Spans carry figures, never text.
/// </summary>
public static class InferenceTracing
{
    public static readonly ActivitySource Source = new(InferenceExtensions.TelemetrySourceName);

    /// <summary>Runs one stage of the turn inside its own span.</summary>
    public static async Task<T> StageAsync<T>(string name, Func<Task<T>> stage)
    {
        using var activity = Source.StartActivity(name);
        return await stage();
    }

    /// <summary>Tags the turn's span with its measured figures (GenAI semantic convention names).</summary>
    public static void Describe(Activity? activity, TurnStats stats)
    {
        activity?.SetTag("gen_ai.operation.name", "chat")
            .SetTag("gen_ai.request.model", stats.ModelId)
            .SetTag("gen_ai.usage.input_tokens", (long)stats.PromptTokens)
            .SetTag("gen_ai.usage.output_tokens", (long)stats.CompletionTokens)
            .SetTag("tomodachi.persona", stats.Persona)
            .SetTag("tomodachi.stop_reason", stats.StopReason.ToString())
            .SetTag("tomodachi.memory_available", stats.MemoryAvailable)
            .SetTag("tomodachi.memories_used", (long)stats.MemoriesUsed);
    }
}
