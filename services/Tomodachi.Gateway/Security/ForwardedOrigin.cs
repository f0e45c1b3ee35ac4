using Yarp.ReverseProxy.Transforms;

namespace Tomodachi.Gateway.Security;

/// <summary>
/// The gateway has checked the Origin of every request it forwards (DoorChecks); the backends apply the same check
/// for callers that reach them directly and would see the page's Origin under their own Host. So the header stops here.
/// </summary>
public static class ForwardedOrigin
{
    public static IReverseProxyBuilder RemoveCheckedOrigin(this IReverseProxyBuilder proxy) =>
        proxy.AddTransforms(context => context.AddRequestHeaderRemove(Microsoft.Net.Http.Headers.HeaderNames.Origin));
}
