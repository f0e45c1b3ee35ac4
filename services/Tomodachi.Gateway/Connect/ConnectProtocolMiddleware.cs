using System.Buffers.Binary;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace Tomodachi.Gateway.Connect;

/// <summary>
/// Lets Connect-protocol clients — `buf curl` speaks Connect unless told otherwise — call every gRPC service
/// behind the gateway. A Connect request is turned into a gRPC request on the way in; the gRPC reply is turned
/// back into Connect on the way out (the framing is the same; status moves from trailers into the body).
/// </summary>
public sealed class ConnectProtocolMiddleware(RequestDelegate next)
{
    private const string UnaryContentType = "application/proto";
    private const string StreamingContentType = "application/connect+proto";
    private const int EnvelopeHeaderLength = 5;
    private const byte EndStreamFlag = 0x02;

    public Task InvokeAsync(HttpContext context) => context.Request.ContentType switch
    {
        StreamingContentType => StreamingAsync(context),
        UnaryContentType when HttpMethods.IsPost(context.Request.Method) => UnaryAsync(context),
        _ => next(context),
    };

    private async Task StreamingAsync(HttpContext context)
    {
        var trailers = PrepareGrpcRequest(context);
        context.Response.OnStarting(() =>
        {
            StartStreamingReply(context, trailers);
            return Task.CompletedTask;
        });

        var body = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        context.Features.Set<IHttpResponseBodyFeature>(new DeferredCompletion(body));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(body);
        }

        if (!context.Response.HasStarted)
        {
            StartStreamingReply(context, trailers);
        }

        var (code, message) = trailers.Status();

        var endStream = JsonSerializer.SerializeToUtf8Bytes(code == StatusCode.OK
            ? new Dictionary<string, object>()
            : new Dictionary<string, object> { ["error"] = ErrorBody(code, message) });
        var header = new byte[EnvelopeHeaderLength];
        header[0] = EndStreamFlag;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), endStream.Length);
        await context.Response.Body.WriteAsync(header, context.RequestAborted);
        await context.Response.Body.WriteAsync(endStream, context.RequestAborted);
    }

    private static void StartStreamingReply(HttpContext context, CapturedTrailers trailers)
    {
        trailers.TakeFromHeaders(context.Response.Headers);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = StreamingContentType;
        // A trailers-only gRPC reply says Content-Length: 0, but the end-of-stream message still follows.
        context.Response.ContentLength = null;
    }

    private async Task UnaryAsync(HttpContext context)
    {
        var trailers = PrepareGrpcRequest(context);

        // Unary Connect bodies are bare messages; gRPC wants them length-prefixed.
        // The message is read once, after room for the envelope header, which is filled in afterwards.
        var enveloped = new MemoryStream();
        enveloped.SetLength(EnvelopeHeaderLength);
        enveloped.Position = EnvelopeHeaderLength;
        await context.Request.Body.CopyToAsync(enveloped, context.RequestAborted);
        BinaryPrimitives.WriteInt32BigEndian(enveloped.GetBuffer().AsSpan(1, 4), (int)(enveloped.Length - EnvelopeHeaderLength));
        enveloped.Position = 0;
        context.Request.Body = enveloped;
        context.Request.ContentLength = enveloped.Length;
        // The proxy reads the body through the pipe feature, which still points at the original stream, and
        // skips it altogether when the original request had none (an empty message is an empty Connect body).
        context.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipeFeature(context));
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());

        // The gRPC reply is buffered: its status decides the HTTP status, which must be sent first.
        var originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var reply = new MemoryStream();
        var buffered = new StreamResponseBodyFeature(reply, originalBody);
        context.Features.Set<IHttpResponseBodyFeature>(buffered);
        try
        {
            await next(context);
            await buffered.CompleteAsync();
        }
        finally
        {
            context.Features.Set(originalBody);
        }

        trailers.TakeFromHeaders(context.Response.Headers);
        var (code, message) = trailers.Status();
        context.Response.ContentLength = null;
        var original = context.Response.Body;
        if (code == StatusCode.OK && reply.Length >= EnvelopeHeaderLength)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = UnaryContentType;
            await original.WriteAsync(reply.GetBuffer().AsMemory(EnvelopeHeaderLength, (int)reply.Length - EnvelopeHeaderLength), context.RequestAborted);
            return;
        }

        context.Response.StatusCode = ConnectErrorCodes.HttpStatus(code);
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(original, ErrorBody(code, message), cancellationToken: context.RequestAborted);
    }

    private static CapturedTrailers PrepareGrpcRequest(HttpContext context)
    {
        context.Request.ContentType = "application/grpc";
        context.Request.Headers.TE = "trailers";
        if (long.TryParse(context.Request.Headers["Connect-Timeout-Ms"], out var timeoutMs))
        {
            context.Request.Headers["grpc-timeout"] = $"{timeoutMs}m";
        }

        var trailers = new CapturedTrailers();
        context.Features.Set<IHttpResponseTrailersFeature>(trailers);
        return trailers;
    }

    private static Dictionary<string, string> ErrorBody(StatusCode code, string message) =>
        new() { ["code"] = ConnectErrorCodes.Name(code), ["message"] = message };

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }
}
