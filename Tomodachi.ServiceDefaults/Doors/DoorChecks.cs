using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The first thing every request meets, before routing: a Host this process does not answer to is refused with 421
/// (what a web page reaching loopback by DNS rebinding sends), and a browser request from another site's page — an
/// Origin that is neither this server's own nor configured — with 403, whatever its method: a page of another origin
/// has no business reading or changing anything here. Requests without an Origin (grpcurl, buf curl, scripts, the
/// page's own navigations) pass the second check.
/// </summary>
public sealed class DoorChecks(RequestDelegate next, HostAllowList hosts, OriginAllowList origins, DoorSettingName setting)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var host = request.Host.Value ?? "";
        if (!hosts.Allows(host, request.Scheme))
        {
            return Refusal.WriteAsync(context, StatusCodes.Status421MisdirectedRequest, StatusCode.PermissionDenied,
                $"This server does not answer to the name '{Refusal.Quote(host)}' (Host header): it answers to localhost, " +
                $"127.0.0.1 and [::1], and to names listed in {setting.Section}:AllowedHosts. A web page that reaches it " +
                "under another name is refused, so a page cannot rebind its own domain to this machine.");
        }

        if (request.Headers[HeaderNames.Origin] is [{ } origin, ..] && !origins.Allows(origin, request))
        {
            return Refusal.WriteAsync(context, StatusCodes.Status403Forbidden, StatusCode.PermissionDenied,
                $"Requests from the web page at '{Refusal.Quote(origin)}' are refused: only this server's own pages may " +
                $"call it from a browser. To let a browser-based tool in, add its origin to {setting.Section}:AllowedOrigins.");
        }

        return next(context);
    }
}

/// <summary>The configuration section whose AllowedHosts and AllowedOrigins this process reads, named in refusals.</summary>
public sealed record DoorSettingName(string Section);
