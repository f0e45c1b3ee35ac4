namespace Tomodachi.Gateway.Security;

/// <summary>
/// With an API key configured, lets through only requests that carry it. Health probes stay open so
/// orchestrators can check the gateway; browsers without the cookie are sent to the login page.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyCheck check)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!check.Enabled || IsOpen(context.Request.Path) || check.IsAuthorized(context.Request))
        {
            return next(context);
        }

        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html"))
        {
            context.Response.Redirect(LoginEndpoints.Path);
            return Task.CompletedTask;
        }

        return Refusal.WriteAsync(context, StatusCodes.Status401Unauthorized, Grpc.Core.StatusCode.Unauthenticated,
            "Missing or wrong API key: send the x-api-key header (gRPC metadata) or 'Authorization: Bearer <key>'.");
    }

    private static bool IsOpen(PathString path) =>
        path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath)
        || path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath)
        || path.StartsWithSegments(LoginEndpoints.Path);
}
