using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests.Infrastructure;

public static class ChatExtensions
{
    /// <summary>Reads a whole chat stream, bounded in messages.</summary>
    public static async Task<List<ChatResponse>> ChatToEndAsync(this InferenceService.InferenceServiceClient client, ChatRequest request)
    {
        using var call = client.Chat(request, deadline: DateTime.UtcNow.AddMinutes(2));
        var responses = new List<ChatResponse>();
        while (responses.Count < 10_000 && await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            responses.Add(call.ResponseStream.Current);
        }

        return responses;
    }

    /// <summary>The reply: every delta, in order.</summary>
    public static string ReplyText(this IEnumerable<ChatResponse> responses) =>
        string.Concat(responses.Where(r => r.EventCase == ChatResponse.EventOneofCase.Delta).Select(r => r.Delta));

    public static ChatRequest Request(string message, uint? maxTokens = 8, string persona = "", string session = "test-session")
    {
        var request = new ChatRequest { SessionId = session, Message = message, Persona = persona };
        if (maxTokens is { } max)
        {
            request.MaxTokens = max;
        }

        return request;
    }
}
