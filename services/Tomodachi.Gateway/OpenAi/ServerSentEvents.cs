using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>The event stream OpenAI's streaming replies use: one <c>data: {json}</c> event per chunk, then <c>data: [DONE]</c>.</summary>
public static class ServerSentEvents
{
    public static void Start(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies in front of the gateway (nginx) would otherwise hold the events back.
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Writes one event and sends it at once: each is a piece of the reply someone is waiting to read.</summary>
    public static ValueTask<System.IO.Pipelines.FlushResult> WriteAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        writer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(writer))
        {
            JsonSerializer.Serialize(json, value, type);
        }

        writer.Write("\n\n"u8);
        return writer.FlushAsync(cancellationToken);
    }

    public static ValueTask<System.IO.Pipelines.FlushResult> DoneAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.BodyWriter.Write("data: [DONE]\n\n"u8);
        return response.BodyWriter.FlushAsync(cancellationToken);
    }
}
