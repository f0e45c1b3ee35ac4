using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;

namespace Tomodachi.Gateway.Security;

/// <summary>
/// Stamps every forwarded request with the suite's service token, so the services know it passed the gateway (and
/// its API key). The header is set, never appended, and removed when there is no token: a caller cannot pass off
/// a value of its own.
/// </summary>
public static class ServiceTokenTransform
{
    public static IReverseProxyBuilder AddServiceTokenTransform(this IReverseProxyBuilder proxy) =>
        proxy.AddTransforms(context =>
        {
            var token = context.Services.GetRequiredService<IOptions<ServiceTokenOptions>>().Value.ServiceToken;
            if (string.IsNullOrEmpty(token))
            {
                context.AddRequestHeaderRemove(ServiceTokenOptions.HeaderName);
            }
            else
            {
                context.AddRequestHeader(ServiceTokenOptions.HeaderName, token, append: false);
            }
        });
}
