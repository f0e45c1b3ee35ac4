using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Host names this process answers to: its loopback names on any port, the names its listen URLs give
/// (http://192.168.1.20:5173 admits 192.168.1.20), and the configured ones. A web page that reaches the process by
/// DNS rebinding sends its own domain as Host, which is none of these.
/// </summary>
/// <remarks>
/// Loopback names are admitted on every port on purpose: a browser sends "localhost:N" only to a URL naming that very
/// address, so the port adds nothing against web pages, while pinning it would refuse the suite's own calls that
/// arrive through the AppHost's port proxies (the process listens on one port, callers name another).
/// </remarks>
public sealed class HostAllowList
{
    private readonly bool _any;
    private readonly HostName[] _entries;

    public HostAllowList(IOptions<DoorOptions> options, IConfiguration configuration)
    {
        var configured = DoorOptions.Split(options.Value.AllowedHosts);
        _any = configured.Contains("*");
        _entries =
        [
            .. configured.Where(entry => entry != "*").Select(entry => HostName.Parse(entry)).OfType<HostName>(),
            .. ListenAddresses.FromConfiguration(configuration).Select(NamedHost).OfType<HostName>(),
        ];
    }

    public bool Allows(string host, string scheme)
    {
        if (_any)
        {
            return true;
        }

        if (HostName.Parse(host) is not { } requested)
        {
            return false;
        }

        return requested.IsLoopback
            || _entries.Any(entry => entry.Name == requested.Name && (entry.Port is null || entry.Port == requested.PortOr(scheme)));
    }

    /// <summary>The host of a listen URL when it names one; wildcards ("*", "+", 0.0.0.0, [::]) name none.</summary>
    private static HostName? NamedHost(string url)
    {
        var authority = url.Split("://", 2).Last().Split('/')[0];
        return HostName.Parse(authority) is { } host
            && !(IPAddress.TryParse(host.Name.Trim('[', ']'), out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
            ? host
            : null;
    }
}
