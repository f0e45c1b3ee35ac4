using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Orchestration;

/// <summary>The orchestrator's routing decision for one message.</summary>
/// <param name="FromModel">False when the model's output was unusable and the deterministic fallback was used.</param>
/// <param name="PromptTokens">Tokens of the routing prompt; 0 when the fixed rule decided without the model (and so without a slot).</param>
/// <param name="CompletionTokens">Tokens the model generated for the decision.</param>
public sealed record OrchestratorDecision(string Persona, bool UseMemory, string MemoryQuery, bool FromModel, int PromptTokens = 0, int CompletionTokens = 0);

/// <summary>
/// First step of a turn: a short generation, constrained by a GBNF grammar to a small JSON object, that picks the
/// persona and says whether (and what) to look up in memory. Unusable output falls back to a fixed rule. It takes a
/// slot of its own like any generation: the routing prompt starts the same way every time, so the slot that ran it
/// last evaluates only the message.
/// </summary>
public sealed class Orchestrator(PersonaCatalog personas, SlotGate slots, IOptions<InferenceOptions> options)
{
    private const int MaxQueryChars = 32;
    private readonly string _grammar = BuildGrammar(personas);

    /// <summary>The GBNF the decision must follow; persona names are spelled out so only known ones can appear.</summary>
    public string Grammar => _grammar;

    public async Task<OrchestratorDecision> DecideAsync(LoadedModel model, string message, CancellationToken cancellationToken)
    {
        if (options.Value.OrchestratorMode == OrchestratorMode.Rules)
        {
            return Fallback(message);
        }

        var system = new StringBuilder("Route the user's message. Answer with JSON only: which persona replies, whether to ")
            .Append("search long-term memory, and the search query. Personas:");
        foreach (var persona in personas.All)
        {
            system.Append("\n- ").Append(persona.Name).Append(": ").Append(persona.Description);
        }

        var prompt = model.Tokenize(PromptBuilder.Build(model, system.ToString(), message), addBos: true);
        var contextLimit = (int)model.Description.ContextLength;
        if (prompt.Length + options.Value.OrchestratorMaxTokens >= contextLimit)
        {
            return Fallback(message);
        }

        using var slot = await slots.AcquireAsync(index => model.Engine.Cache.SharedPrefix(index, prompt, null, 1f), cancellationToken);
        var request = new GenerationRequest(slot.Index, prompt, new SamplingSettings(0f, 1f, 0, 1f, 0), options.Value.OrchestratorMaxTokens,
            contextLimit, _grammar);
        var result = await model.Engine.GenerateAsync(request, static (_, _) => ValueTask.CompletedTask, cancellationToken);
        return (Parse(result.Text) ?? Fallback(message)) with { PromptTokens = prompt.Length, CompletionTokens = result.CompletionTokens };
    }

    /// <summary>Reads the model's JSON; null when it is incomplete or names an unknown persona.</summary>
    public OrchestratorDecision? Parse(string json)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<RawDecision>(json);
            return parsed is { Persona: { } name, UseMemory: { } useMemory } && personas.Find(name) is not null
                ? new OrchestratorDecision(name, useMemory, parsed.MemoryQuery?.Trim() ?? "", FromModel: true)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The fixed rule: default persona, and search memory with the message itself.</summary>
    public OrchestratorDecision Fallback(string message) =>
        new(personas.Default.Name, UseMemory: true, message.Length <= 256 ? message : message[..256], FromModel: false);

    private static string BuildGrammar(PersonaCatalog personas)
    {
        var names = string.Join(" | ", personas.All.Select(p => $"\"{p.Name}\""));
        return $$"""
            root ::= "{\"persona\": \"" persona "\", \"use_memory\": " bool ", \"memory_query\": \"" query "\"}"
            persona ::= {{names}}
            bool ::= "true" | "false"
            query ::= [a-zA-Z0-9 ]{0,{{MaxQueryChars}}}
            """;
    }

    private sealed record RawDecision(
        [property: JsonPropertyName("persona")] string? Persona,
        [property: JsonPropertyName("use_memory")] bool? UseMemory,
        [property: JsonPropertyName("memory_query")] string? MemoryQuery);
}
