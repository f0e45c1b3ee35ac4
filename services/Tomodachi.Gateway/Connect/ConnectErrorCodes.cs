using Grpc.Core;

namespace Tomodachi.Gateway.Connect;

/// <summary>The Connect protocol's names and HTTP statuses for gRPC status codes.</summary>
public static class ConnectErrorCodes
{
    public static string Name(StatusCode code) => code switch
    {
        StatusCode.Cancelled => "canceled",
        StatusCode.InvalidArgument => "invalid_argument",
        StatusCode.DeadlineExceeded => "deadline_exceeded",
        StatusCode.NotFound => "not_found",
        StatusCode.AlreadyExists => "already_exists",
        StatusCode.PermissionDenied => "permission_denied",
        StatusCode.ResourceExhausted => "resource_exhausted",
        StatusCode.FailedPrecondition => "failed_precondition",
        StatusCode.Aborted => "aborted",
        StatusCode.OutOfRange => "out_of_range",
        StatusCode.Unimplemented => "unimplemented",
        StatusCode.Internal => "internal",
        StatusCode.Unavailable => "unavailable",
        StatusCode.DataLoss => "data_loss",
        StatusCode.Unauthenticated => "unauthenticated",
        _ => "unknown",
    };

    /// <summary>HTTP status for a unary error, as the Connect specification maps it.</summary>
    public static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => 400,
        StatusCode.DeadlineExceeded => 504,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.PermissionDenied => 403,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        StatusCode.Unauthenticated => 401,
        _ => 500,
    };
}
