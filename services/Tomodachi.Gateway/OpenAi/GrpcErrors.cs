using System.Globalization;
using Grpc.Core;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>The inference and memory services' statuses in OpenAI's terms, with their messages unchanged.</summary>
public static class GrpcErrors
{
    /// <summary>The trailer in which the inference service says how long a full queue needs.</summary>
    public const string RetryAfterTrailer = "retry-after-ms";

    public static OpenAiError ToOpenAi(RpcException exception)
    {
        var message = exception.Status.Detail;
        return exception.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.OutOfRange => OpenAiError.BadRequest(message),
            StatusCode.NotFound => new OpenAiError(StatusCodes.Status404NotFound, message, OpenAiError.InvalidRequest),
            StatusCode.ResourceExhausted => new OpenAiError(StatusCodes.Status429TooManyRequests, message, "rate_limit_error", code: "rate_limit_exceeded")
            {
                RetryAfterSeconds = RetryAfterSeconds(exception.Trailers),
            },
            // The model is loading (UNAVAILABLE), there is none (FAILED_PRECONDITION), or the service is down: the
            // request was fine and may succeed later.
            StatusCode.Unavailable or StatusCode.FailedPrecondition =>
                new OpenAiError(StatusCodes.Status503ServiceUnavailable, message, OpenAiError.ServerError, code: "model_unavailable"),
            StatusCode.DeadlineExceeded => new OpenAiError(StatusCodes.Status504GatewayTimeout, message, OpenAiError.ServerError),
            _ => new OpenAiError(StatusCodes.Status500InternalServerError,
                $"The service behind the gateway failed ({exception.StatusCode}): {message}", OpenAiError.ServerError),
        };
    }

    /// <summary>Whole seconds, rounded up: Retry-After has no finer unit, and waiting too little only earns another 429.</summary>
    private static int? RetryAfterSeconds(Metadata trailers) =>
        trailers.GetValue(RetryAfterTrailer) is { } value && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? Math.Max(1, (ms + 999) / 1000)
            : null;
}
