using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tomodachi.Memory.Benchmarks.Recall;

/// <summary>The hand-written paraphrase set (recall-set.json): fact/question pairs and stored chat turns.</summary>
internal sealed record RecallSet(
    [property: JsonPropertyName("pairs")] IReadOnlyList<RecallPair> Pairs,
    [property: JsonPropertyName("chat_turns")] IReadOnlyList<string> ChatTurns)
{
    public static RecallSet Load() =>
        JsonSerializer.Deserialize<RecallSet>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recall", "recall-set.json")))
        ?? throw new InvalidDataException("recall-set.json is empty.");
}

internal sealed record RecallPair(
    [property: JsonPropertyName("fact")] string Fact,
    [property: JsonPropertyName("question")] string Question);
