using System.Text.Encodings.Web;
using System.Text.Json;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>One training example in the common chat format: <c>{"messages":[{"role":...,"content":...}, ...]}</c>.</summary>
internal sealed record ChatExample(IReadOnlyList<ChatExample.Message> Messages)
{
    internal sealed record Message(string Role, string Content);

    // camelCase names; non-ASCII text stays readable in the file (the output is a data file, never HTML).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The example for a turn; without a system message when <paramref name="systemPrompt"/> is null.</summary>
    public static ChatExample Of(Turn turn, string? systemPrompt) => new(
    [
        .. systemPrompt is null ? Array.Empty<Message>() : [new Message("system", systemPrompt)],
        new Message("user", turn.UserMessage),
        new Message("assistant", turn.Reply),
    ]);

    /// <summary>One JSONL line, without the newline.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);
}
