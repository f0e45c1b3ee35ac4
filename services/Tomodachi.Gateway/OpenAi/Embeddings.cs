using System.Runtime.InteropServices;
using System.Text.Json;
using Tomodachi.Memory.V1;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>
/// POST /v1/embeddings: the memory service's Embed, with the embedder memories are searched with. Its id (e.g.
/// "onnx:all-MiniLM-L6-v2") is the one model name accepted; the service checks the texts.
/// </summary>
public sealed class Embeddings(MemoryService.MemoryServiceClient memory)
{
    public async Task<IResult> RespondAsync(HttpContext context)
    {
        var body = await OpenAiJson.ReadAsync(context.Request, OpenAiJson.Default.EmbeddingRequest);
        if (string.IsNullOrEmpty(body.Model))
        {
            throw OpenAiError.BadRequest("You must name the embedding model: the memory service's embedder, e.g. onnx:all-MiniLM-L6-v2.", "model");
        }

        var base64 = body.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            var other => throw OpenAiError.BadRequest($"encoding_format '{OpenAiError.Excerpt(other)}' is not supported: use float or base64.", "encoding_format"),
        };
        var request = new EmbedRequest { Texts = { Texts(body.Input) }, Purpose = EmbeddingPurpose.Document };
        var response = await memory.EmbedAsync(request, cancellationToken: context.RequestAborted);
        if (response.Model != body.Model)
        {
            throw OpenAiError.ModelNotFound(OpenAiError.Excerpt(body.Model), $"embeddings come from the memory service's embedder, '{response.Model}'.");
        }

        if (body.Dimensions is { } dimensions && dimensions != response.Dimension)
        {
            throw OpenAiError.BadRequest(
                $"dimensions must be {response.Dimension}, the embedder's own: its vectors are not made to be shortened; got {dimensions}.", "dimensions");
        }

        var data = response.Embeddings.Select((e, index) => new EmbeddingEntry(index, base64 ? Base64(e.Vector) : e.Vector.ToArray())).ToList();
        var usage = new EmbeddingUsage((uint)response.Embeddings.Sum(e => (long)e.TokenCount));
        return TypedResults.Json(new EmbeddingList(data, response.Model, usage), OpenAiJson.Default.EmbeddingList);
    }

    private static IEnumerable<string> Texts(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.String => [input.GetString()!],
        JsonValueKind.Array when input.GetArrayLength() == 0 => throw OpenAiError.BadRequest("input is empty; send a string or an array of strings.", "input"),
        JsonValueKind.Array when input.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String) => [.. input.EnumerateArray().Select(t => t.GetString()!)],
        JsonValueKind.Array => throw OpenAiError.BadRequest(
            "input must be text: token arrays are not supported, since tokens of another tokenizer mean nothing to this embedder.", "input"),
        JsonValueKind.Undefined or JsonValueKind.Null => throw OpenAiError.BadRequest("input is missing; send a string or an array of strings.", "input"),
        _ => throw OpenAiError.BadRequest("input must be a string or an array of strings.", "input"),
    };

    /// <summary>OpenAI's base64 form: the float32 values' little-endian bytes, which is how x64 and arm64 hold them.</summary>
    private static string Base64(IList<float> vector) => Convert.ToBase64String(MemoryMarshal.AsBytes(vector.ToArray().AsSpan()));
}
