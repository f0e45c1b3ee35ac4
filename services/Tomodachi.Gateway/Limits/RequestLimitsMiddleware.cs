using System.Buffers;
using System.Buffers.Binary;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Tomodachi.Gateway.Limits;

/// <summary>
/// Refuses oversized requests before they reach a backend, with a reason a person can read: a gRPC message over
/// <see cref="GatewayLimitsOptions.MaxGrpcMessageBytes"/> gets RESOURCE_EXHAUSTED, any other body over
/// <see cref="GatewayLimitsOptions.MaxRequestBodyBytes"/> gets 413. Kestrel enforces the body limit for chunked bodies.
/// Connect streams are framed like gRPC but answered in Connect's format, so their messages are left to the services.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<GatewayLimitsOptions> options)
{
    private const int FrameHeaderLength = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        var limits = options.Value;
        var contentType = context.Request.ContentType ?? "";
        if (contentType.StartsWith("application/grpc", StringComparison.Ordinal)
            || contentType.StartsWith("application/connect+", StringComparison.Ordinal))
        {
            // A stream's total size is open-ended; its messages are limited instead, here and in every service.
            DisableBodyLimit(context);
            if (contentType.StartsWith("application/grpc", StringComparison.Ordinal)
                && await FirstMessageLengthAsync(context) is { } length && length > limits.MaxGrpcMessageBytes)
            {
                RejectGrpc(context, $"The request message is {length} bytes; the gateway forwards at most {limits.MaxGrpcMessageBytes} bytes (Tomodachi:Limits:MaxGrpcMessageBytes).");
                return;
            }
        }
        else if (context.Request.ContentLength > limits.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.Response.WriteAsync(
                $"The request body is {context.Request.ContentLength} bytes; the gateway accepts at most {limits.MaxRequestBodyBytes} bytes (Tomodachi:Limits:MaxRequestBodyBytes).",
                context.RequestAborted);
            return;
        }

        await next(context);
    }

    private static void DisableBodyLimit(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = null;
            // Lifted for good, so the feature goes: after the peek below it could only say "read-only", and the
            // proxy, trying to lift the limit again, logged a warning for every gRPC call.
            context.Features.Set<IHttpMaxRequestBodySizeFeature>(null);
        }
    }

    /// <summary>
    /// Reads the first message's length prefix without consuming it, then has the body read on through that same
    /// reader, so the proxy forwards it whole. The proxy reads <see cref="HttpRequest.Body"/>. Kestrel's Body reads
    /// from its BodyReader, but where the body is only a stream (the test server, or a middleware that wraps the body)
    /// BodyReader is a buffer of its own over that stream, and the bytes the peek pulled into it would be missing
    /// from what the proxy sends: the backend would get a body shorter than its Content-Length, and the caller a 400.
    /// </summary>
    private static async Task<uint?> FirstMessageLengthAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(FrameHeaderLength, context.RequestAborted);
        try
        {
            if (result.Buffer.Length < FrameHeaderLength)
            {
                return null;
            }

            Span<byte> header = stackalloc byte[FrameHeaderLength];
            result.Buffer.Slice(0, FrameHeaderLength).CopyTo(header);
            return BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        }
        finally
        {
            reader.AdvanceTo(result.Buffer.Start);
            // The server completes its reader when the request ends; the stream must not complete it before.
            context.Request.Body = reader.AsStream(leaveOpen: true);
        }
    }

    private static void RejectGrpc(HttpContext context, string message)
    {
        // A trailers-only reply: clients see RESOURCE_EXHAUSTED with the reason.
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "8";
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
