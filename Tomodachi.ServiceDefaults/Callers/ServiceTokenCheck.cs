using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Lets a request in only when it carries the service token, once one is configured. Probes and scrapes stay open:
/// Prometheus and the AppHost's health checks call /metrics, /health and /alive directly and hold no token, and
/// those answer figures and status only.
/// </summary>
public sealed class ServiceTokenCheck(RequestDelegate next, IOptions<ServiceTokenOptions> options)
{
    public const string Reason =
        "This service answers only calls that come through the Tomodachi gateway or from the other services " +
        "(the x-tomodachi-service-token header is missing or wrong). Call the gateway instead.";

    private readonly byte[]? token = options.Value.ServiceToken is { Length: > 0 } configured ? Encoding.UTF8.GetBytes(configured) : null;

    public Task InvokeAsync(HttpContext context)
    {
        return token is null || IsOpen(context.Request.Path) || Carries(context.Request)
            ? next(context)
            : Refusal.WriteAsync(context, StatusCodes.Status403Forbidden, Grpc.Core.StatusCode.PermissionDenied, Reason);
    }

    private bool Carries(HttpRequest request) =>
        request.Headers[ServiceTokenOptions.HeaderName].FirstOrDefault() is { } presented
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), token);

    private static bool IsOpen(PathString path) =>
        path.StartsWithSegments(Extensions.HealthEndpointPath)
        || path.StartsWithSegments(Extensions.AlivenessEndpointPath)
        || path.StartsWithSegments(Extensions.MetricsEndpointPath);
}
