using System.Text;
using System.Text.Json;
using Tomodachi.Inference.V1;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>
/// Turns an OpenAI chat completion request into the inference service's <see cref="CompleteRequest"/>. It refuses
/// what the request asks for but this server cannot do, where silently ignoring it would change what the reply means
/// (tools, several choices, a JSON schema, log probabilities, audio); it leaves value ranges (temperature, top_p,
/// max_tokens against the context, stop sequences) to the inference service, which checks every door alike.
/// </summary>
public static class ChatTranslation
{
    /// <summary>The header that names the companion's conversation; OpenAI's <c>user</c> field does the same.</summary>
    public const string SessionHeader = "X-Tomodachi-Session";

    public static CompleteRequest Translate(ChatCompletionRequest body, ChatModel model, string? sessionHeader)
    {
        RefuseUnsupported(body);
        var request = new CompleteRequest
        {
            Persona = model.Persona ?? "",
            SessionId = Session(model, sessionHeader, body.User),
            Sampling = Sampling(body),
            ReplyFormat = Format(body.ResponseFormat),
        };
        request.Messages.AddRange(Messages(body.Messages));
        request.Stop.AddRange(Stops(body.Stop));
        if (MaxTokens(body) is { } maxTokens)
        {
            request.MaxTokens = maxTokens;
        }

        return request;
    }

    private static void RefuseUnsupported(ChatCompletionRequest body)
    {
        if (body.N is { } n && n != 1)
        {
            throw OpenAiError.BadRequest($"n must be 1: this server generates one choice per request; got {n}.", "n");
        }

        if (IsPresent(body.Tools) || IsPresent(body.Functions))
        {
            var field = IsPresent(body.Tools) ? "tools" : "functions";
            throw OpenAiError.BadRequest($"{field} is not supported: this server does not call tools. Send the request without {field}.", field);
        }

        if (body.Logprobs == true)
        {
            throw OpenAiError.BadRequest("logprobs is not supported: this server does not return token probabilities.", "logprobs");
        }

        if (IsPresent(body.Audio))
        {
            throw OpenAiError.BadRequest("audio is not supported: replies are text.", "audio");
        }
    }

    /// <summary>A JSON object is enforced with a grammar; a JSON schema is not, so it is refused rather than ignored.</summary>
    private static ReplyFormat Format(ResponseFormat? format) => format?.Type switch
    {
        null or "text" => ReplyFormat.Text,
        "json_object" => ReplyFormat.JsonObject,
        var other => throw OpenAiError.BadRequest(
            $"response_format '{OpenAiError.Excerpt(other)}' is not supported: use text or json_object.", "response_format"),
    };

    private static string Session(ChatModel model, string? header, string? user)
    {
        if (model.Persona is null)
        {
            // A plain chat keeps nothing, so `user` (which clients send to identify their end user) is ignored; the
            // header asks for something this model cannot do.
            return string.IsNullOrEmpty(header) ? "" : throw OpenAiError.BadRequest(
                $"{SessionHeader} needs a companion model (tomodachi:<persona>): '{model.Id}' is a plain chat that keeps no conversation.", SessionHeader);
        }

        return !string.IsNullOrEmpty(header) ? header : user ?? "";
    }

    private static IEnumerable<Message> Messages(List<ChatMessage>? messages)
    {
        if (messages is null)
        {
            throw OpenAiError.BadRequest("messages is missing; send the conversation, ending with the user's message.", "messages");
        }

        return messages.Select((message, index) => new Message { Role = Role(message, index), Content = Content(message, index) });
    }

    private static MessageRole Role(ChatMessage message, int index) => message.Role switch
    {
        "system" or "developer" => MessageRole.System,
        "user" => MessageRole.User,
        "assistant" when IsPresent(message.ToolCalls) =>
            throw OpenAiError.BadRequest($"messages[{index}] carries tool_calls: this server does not call tools.", $"messages[{index}].tool_calls"),
        "assistant" => MessageRole.Assistant,
        "tool" or "function" =>
            throw OpenAiError.BadRequest($"messages[{index}] is a {message.Role} message: this server does not call tools.", $"messages[{index}].role"),
        null => throw OpenAiError.BadRequest($"messages[{index}] has no role; use system, user or assistant.", $"messages[{index}].role"),
        _ => throw OpenAiError.BadRequest(
            $"messages[{index}] has the role '{OpenAiError.Excerpt(message.Role)}'; use system, user or assistant.", $"messages[{index}].role"),
    };

    /// <summary>A string, or the text parts of an array joined by line breaks; other parts (images, audio, files) are refused.</summary>
    private static string Content(ChatMessage message, int index)
    {
        var content = message.Content;
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return "";
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type != "text" || !part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                    {
                        throw OpenAiError.BadRequest(
                            $"messages[{index}].content holds a part of type '{OpenAiError.Excerpt(type ?? "?")}': this server reads text parts only.",
                            $"messages[{index}].content");
                    }

                    text.Append(text.Length > 0 ? "\n" : "").Append(partText.GetString());
                }

                return text.ToString();
            default:
                throw OpenAiError.BadRequest($"messages[{index}].content must be a string or an array of text parts.", $"messages[{index}].content");
        }
    }

    private static IEnumerable<string> Stops(JsonElement stop) => stop.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => [],
        JsonValueKind.String => [stop.GetString()!],
        JsonValueKind.Array when stop.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) =>
            [.. stop.EnumerateArray().Select(s => s.GetString()!)],
        _ => throw OpenAiError.BadRequest("stop must be a string or an array of strings.", "stop"),
    };

    private static uint? MaxTokens(ChatCompletionRequest body)
    {
        var (value, field) = body.MaxCompletionTokens is { } completion ? (completion, "max_completion_tokens") : (body.MaxTokens, "max_tokens");
        return value switch
        {
            null => null,
            >= 1 and <= uint.MaxValue => (uint)value,
            _ => throw OpenAiError.BadRequest($"{field} must be a positive number of tokens; got {value}.", field),
        };
    }

    private static Sampling Sampling(ChatCompletionRequest body)
    {
        var sampling = new Sampling();
        if (body.Temperature is { } temperature)
        {
            sampling.Temperature = temperature;
        }

        if (body.TopP is { } topP)
        {
            sampling.TopP = topP;
        }

        if (body.TopK is { } topK)
        {
            sampling.TopK = topK is >= 0 and <= uint.MaxValue ? (uint)topK : throw OpenAiError.BadRequest($"top_k must be 0 or more; got {topK}.", "top_k");
        }

        if (body.RepeatPenalty is { } repeatPenalty)
        {
            sampling.RepeatPenalty = repeatPenalty;
        }

        if (body.Seed is { } seed)
        {
            sampling.Seed = seed is >= 0 and <= uint.MaxValue ? (uint)seed
                : throw OpenAiError.BadRequest($"seed must be between 0 and {uint.MaxValue}; got {seed}.", "seed");
        }

        return sampling;
    }

    /// <summary>Present and meaningful: not absent, null, an empty array or an empty object.</summary>
    private static bool IsPresent(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => false,
        JsonValueKind.Array => element.GetArrayLength() > 0,
        JsonValueKind.Object => element.EnumerateObject().Any(),
        _ => true,
    };
}
