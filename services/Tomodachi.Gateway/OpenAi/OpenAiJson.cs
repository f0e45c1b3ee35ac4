using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Tomodachi.Gateway.Limits;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>OpenAI's wire format: snake_case names, compiled serializers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingList))]
// The two forms an embedding takes inside EmbeddingEntry.Embedding.
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string))]
public sealed partial class OpenAiJson : JsonSerializerContext
{
    /// <summary>
    /// Reads a request body; malformed JSON, a value of the wrong type and a body over the gateway's size limit
    /// become the refusals OpenAI gives for them.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted)
                ?? throw OpenAiError.BadRequest("The request body is null; send a JSON object.");
        }
        catch (JsonException exception)
        {
            var param = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            throw OpenAiError.BadRequest($"The request body is not valid JSON for this endpoint: {exception.Message}", param);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(request.HttpContext.RequestServices.GetRequiredService<IOptions<GatewayLimitsOptions>>().Value.MaxRequestBodyBytes);
        }
    }

    public static OpenAiError TooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than the {limit} bytes the gateway accepts (Tomodachi:Limits:MaxRequestBodyBytes).",
        OpenAiError.InvalidRequest, code: "request_too_large");
}
