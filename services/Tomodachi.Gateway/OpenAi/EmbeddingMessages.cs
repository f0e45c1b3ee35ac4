using System.Text.Json;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>The body of POST /v1/embeddings (snake_case on the wire); other fields are ignored.</summary>
public sealed class EmbeddingRequest
{
    public string? Model { get; set; }
    /// <summary>A string or an array of strings (OpenAI also takes token arrays, which mean nothing to another tokenizer).</summary>
    public JsonElement Input { get; set; }
    public string? EncodingFormat { get; set; }
    public long? Dimensions { get; set; }
}

/// <summary>The reply: one embedding per input, in input order.</summary>
public sealed record EmbeddingList(IReadOnlyList<EmbeddingEntry> Data, string Model, EmbeddingUsage Usage)
{
    public string Object => "list";
}

/// <param name="Embedding">The vector as floats, or as the base64 of its little-endian float32 bytes.</param>
public sealed record EmbeddingEntry(int Index, object Embedding)
{
    public string Object => "embedding";
}

public sealed record EmbeddingUsage(uint PromptTokens)
{
    public uint TotalTokens => PromptTokens;
}
