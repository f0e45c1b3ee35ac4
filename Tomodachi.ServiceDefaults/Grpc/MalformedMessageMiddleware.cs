using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A request whose bytes are not a valid protobuf message (garbage, truncated, invalid UTF-8 in a string field) fails
/// while gRPC reads it, before any interceptor runs, and gRPC reports that as UNKNOWN. It is the caller's mistake, so
/// this turns it into INVALID_ARGUMENT with the parser's reason while the reply is still unsent (trailers-only).
/// </summary>
public sealed class MalformedMessageMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        if (context.Response.HasStarted
            || context.Features.Get<IServerCallContextFeature>()?.ServerCallContext.Status is not
                { StatusCode: StatusCode.Unknown, DebugException: { } exception }
            || FindParseError(exception) is not { } parseError)
        {
            return;
        }

        var message = $"The request is not a valid protobuf message for {context.Request.Path}: {parseError.Message}";
        context.Response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString();
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    private static InvalidProtocolBufferException? FindParseError(Exception? exception)
    {
        // Bounded: exception chains are short, but a cycle must not hang a request.
        for (var depth = 0; exception is not null && depth < 8; depth++, exception = exception.InnerException)
        {
            if (exception is InvalidProtocolBufferException parseError)
            {
                return parseError;
            }
        }

        return null;
    }
}
