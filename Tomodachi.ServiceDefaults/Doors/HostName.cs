using System.Net;
using System.Net.Sockets;

namespace Microsoft.Extensions.Hosting;

/// <summary>A host name and optional port, as a Host header, an allow-list entry or a listen URL carries them.</summary>
internal readonly record struct HostName(string Name, int? Port)
{
    /// <summary>Parses "name", "name:port", "1.2.3.4:port" or "[::1]:port"; null when it is none of these.</summary>
    public static HostName? Parse(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        string name;
        string? port = null;
        if (value[0] == '[')
        {
            var close = value.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(value[1..close], out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return null;
            }

            name = "[" + v6 + "]";
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return null;
                }

                port = rest[1..];
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon >= 0 && value.IndexOf(':') != colon)
            {
                return null; // A bare IPv6 address without brackets is not a Host.
            }

            name = colon < 0 ? value : value[..colon];
            port = colon < 0 ? null : value[(colon + 1)..];
        }

        if (port is not null && !(int.TryParse(port, System.Globalization.NumberStyles.None, null, out var number) && number is > 0 and < 65536))
        {
            return null;
        }

        if (name.Length == 0 || Uri.CheckHostName(name.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            return null;
        }

        return new HostName(name.ToLowerInvariant(), port is null ? null : int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>True for localhost and every loopback address (127.0.0.0/8, ::1): names only this machine resolves to itself.</summary>
    public bool IsLoopback =>
        Name == "localhost" || (IPAddress.TryParse(Name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>The port a client meant: the explicit one, or the scheme's default.</summary>
    public int PortOr(string scheme) => Port ?? (scheme == "https" ? 443 : 80);

    public override string ToString() => Port is null ? Name : $"{Name}:{Port}";
}
