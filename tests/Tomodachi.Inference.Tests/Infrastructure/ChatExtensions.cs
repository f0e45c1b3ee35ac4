using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests.Infrastructure;

public static class ChatExtensions
{
    /// <summary>Reads a whole chat stream, bounded in messages.</summary>
    public static async Task<List<ChatResponse>> ChatToEndAsync(this InferenceService.InferenceServiceClient client, ChatRequest request)
    {
        using var call = client.Chat(request, deadline: DateTime.UtcNow.AddMinutes(2));
        return await call.ResponseStream.ToListAsync(10_000);
    }

    /// <summary>Every message of a server stream, at most <paramref name="max"/>.</summary>
    public static async Task<List<T>> ToListAsync<T>(this IAsyncStreamReader<T> stream, int max)
    {
        var messages = new List<T>();
        while (messages.Count < max && await stream.MoveNext(CancellationToken.None))
        {
            messages.Add(stream.Current);
        }

        return messages;
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
