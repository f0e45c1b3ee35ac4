using System.Text.Json.Serialization;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>The reply to a chat completion without streaming.</summary>
public sealed record ChatCompletion(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage)
{
    public string Object => "chat.completion";
}

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason)
{
    public object? Logprobs => null;
}

public sealed record AssistantMessage(string Content)
{
    public string Role => "assistant";
}

/// <summary>One server-sent event of a streamed chat completion.</summary>
public sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChunkChoice> Choices)
{
    public string Object => "chat.completion.chunk";

    /// <summary>Only on the last chunk, and only when the client asked for it (stream_options.include_usage).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Usage? Usage { get; init; }
}

public sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason)
{
    public object? Logprobs => null;
}

public sealed record ChunkDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

/// <summary>Exact token counts from the model's tokenizer, as the journal records them.</summary>
public sealed record Usage(uint PromptTokens, uint CompletionTokens, PromptTokensDetails? PromptTokensDetails = null)
{
    public uint TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>Prompt tokens taken from the KV cache rather than evaluated.</summary>
public sealed record PromptTokensDetails(uint CachedTokens);

/// <summary>GET /v1/models.</summary>
public sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    public string Object => "list";
}

public sealed record ModelEntry(string Id, long Created, string OwnedBy)
{
    public string Object => "model";
}
