using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Tomodachi.Gateway.Proxy;

/// <summary>
/// Gives gRPC callers the status gRPC defines for a service that is down, UNAVAILABLE, with the name of the backend,
/// when the proxy cannot reach it. Left alone, YARP answers an unreachable backend with a bare 502, and one that dies
/// in the middle of a reply with a stream reset (INTERNAL_ERROR) that clients read as INTERNAL.
/// </summary>
public sealed class BackendLossMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            await next(context);
            return;
        }

        var reset = new DeferredReset(context);
        context.Features.Set<IHttpResetFeature>(reset);
        await next(context);

        var error = context.Features.Get<IForwarderErrorFeature>()?.Error;
        if (error is not (ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
            or ForwarderError.ResponseBodyDestination or ForwarderError.NoAvailableDestinations))
        {
            // No error, or the caller's side failed (it cancelled or went away): nothing to tell it.
            reset.Forward();
            return;
        }

        var backend = context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId.Replace("-grpc", "") ?? "backend";
        if (!context.Response.HasStarted)
        {
            // A trailers-only reply instead of the 502.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString($"The {backend} service cannot be reached; try again once it is back.");
        }
        else
        {
            // The reply has begun; it ends with trailers instead of a reset.
            context.Response.AppendTrailer("grpc-status", "14");
            context.Response.AppendTrailer("grpc-message", Uri.EscapeDataString($"The {backend} service went away in the middle of the reply; try again once it is back."));
        }
    }

    /// <summary>Holds back the proxy's reset until it is known whether trailers can say more.</summary>
    private sealed class DeferredReset(HttpContext context) : IHttpResetFeature
    {
        private readonly IHttpResetFeature? inner = context.Features.Get<IHttpResetFeature>();
        private int? errorCode;

        public void Reset(int errorCode) => this.errorCode = errorCode;

        public void Forward()
        {
            if (errorCode is not { } code)
            {
                return;
            }

            if (inner is null)
            {
                context.Abort();
            }
            else
            {
                inner.Reset(code);
            }
        }
    }
}
