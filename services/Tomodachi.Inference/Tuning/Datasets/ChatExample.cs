using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>One training example in the common chat format: <c>{"messages":[{"role":...,"content":...}, ...]}</c>.</summary>
internal sealed record ChatExample(IReadOnlyList<ChatExample.Message> Messages)
{
    internal sealed record Message(string Role, string Content);

    // camelCase names; non-ASCII text stays readable in the file (the output is a data file, never HTML).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The example for a turn whose prompt is known: exactly the messages the model read (an empty system prompt left
    /// out), then its reply.
    /// </summary>
    public static ChatExample Of(IReadOnlyList<PromptMessage> prompt, Turn turn) => new(
    [
        .. prompt.Where(m => m.Role != PromptMessage.System || m.Content.Length > 0).Select(m => new Message(m.Role, m.Content)),
        new Message(PromptMessage.Assistant, turn.Reply),
    ]);

    /// <summary>
    /// The example for a turn journaled before prompts were: its message and reply, under today's system prompt of
    /// its persona (none when <paramref name="systemPrompt"/> is null).
    /// </summary>
    public static ChatExample Of(Turn turn, string? systemPrompt) => new(
    [
        .. systemPrompt is null ? Array.Empty<Message>() : [new Message(PromptMessage.System, systemPrompt)],
        new Message(PromptMessage.User, turn.UserMessage),
        new Message(PromptMessage.Assistant, turn.Reply),
    ]);

    [JsonIgnore]
    public bool HasSystemMessage => Messages.Count > 0 && Messages[0].Role == PromptMessage.System;

    /// <summary>One JSONL line, without the newline.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);
}
