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

        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A trailers-only gRPC reply: clients see UNAUTHENTICATED with the reason.
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "16";
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString("missing or wrong API key: send it as x-api-key metadata");
            return Task.CompletedTask;
        }

        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html"))
        {
            context.Response.Redirect(LoginEndpoints.Path);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return context.Response.WriteAsync("Missing or wrong API key: send the x-api-key header or 'Authorization: Bearer <key>'.");
    }

    private static bool IsOpen(PathString path) =>
        path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath)
        || path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath)
        || path.StartsWithSegments(LoginEndpoints.Path);
}
