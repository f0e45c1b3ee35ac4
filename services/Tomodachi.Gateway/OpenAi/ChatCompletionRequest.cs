using System.Text.Json;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>
/// The body of POST /v1/chat/completions as OpenAI defines it (snake_case on the wire). Fields that take several
/// shapes (a string or an array) stay <see cref="JsonElement"/> until <see cref="ChatTranslation"/> reads them; fields
/// not listed here are ignored, as OpenAI ignores what it does not know.
/// </summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }
    public List<ChatMessage>? Messages { get; set; }
    public bool Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public long? MaxTokens { get; set; }
    public long? MaxCompletionTokens { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    /// <summary>Not OpenAI's: llama-server's and Ollama's, kept for clients that send them.</summary>
    public long? TopK { get; set; }
    /// <summary>Not OpenAI's: llama-server's, kept for clients that send it.</summary>
    public float? RepeatPenalty { get; set; }
    public long? Seed { get; set; }
    /// <summary>A string, an array of strings, or null.</summary>
    public JsonElement Stop { get; set; }
    public long? N { get; set; }
    public JsonElement Tools { get; set; }
    public JsonElement Functions { get; set; }
    public ResponseFormat? ResponseFormat { get; set; }
    public bool? Logprobs { get; set; }
    public JsonElement Audio { get; set; }
    public string? User { get; set; }
}

/// <summary>One message of the conversation.</summary>
public sealed class ChatMessage
{
    public string? Role { get; set; }
    /// <summary>A string, an array of content parts, or null.</summary>
    public JsonElement Content { get; set; }
    public JsonElement ToolCalls { get; set; }
}

public sealed class StreamOptions
{
    public bool IncludeUsage { get; set; }
}

public sealed class ResponseFormat
{
    public string? Type { get; set; }
}
