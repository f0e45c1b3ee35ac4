using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Answers a refused request in the caller's own terms: a gRPC caller gets a trailers-only reply with a status and
/// the reason (HTTP 200, as gRPC requires), anyone else the HTTP status with the reason as plain text.
/// </summary>
public static class Refusal
{
    public static Task WriteAsync(HttpContext context, int httpStatus, StatusCode grpcStatus, string reason)
    {
        var response = context.Response;
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)grpcStatus).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(reason);
            return Task.CompletedTask;
        }

        response.StatusCode = httpStatus;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        return response.WriteAsync(reason, context.RequestAborted);
    }

    /// <summary>A caller-supplied value fit to quote in a reason: printable ASCII, at most 100 characters.</summary>
    public static string Quote(string value)
    {
        var printable = new string([.. value.Take(100).Select(c => c is >= ' ' and <= '~' ? c : '?')]);
        return value.Length > 100 ? printable + "…" : printable;
    }
}
