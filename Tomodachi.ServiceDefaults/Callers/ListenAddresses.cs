using System.Net;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>The addresses a process is configured to listen on, and whether any is reachable from other machines.</summary>
public static class ListenAddresses
{
    public static IEnumerable<string> FromConfiguration(IConfiguration configuration) =>
        configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(endpoint => endpoint["Url"])
            .Concat((configuration["urls"] ?? "").Split(';'))
            .Where(url => !string.IsNullOrWhiteSpace(url))
            .Select(url => url!.Trim());

    public static bool IsLoopback(string url)
    {
        // Kestrel accepts wildcard hosts ("*", "+") that Uri cannot parse; they listen on every interface.
        var host = url.Split("://", 2).Last().Split('/')[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>The configured addresses other machines can reach.</summary>
    public static IReadOnlyList<string> Exposed(IConfiguration configuration) =>
        FromConfiguration(configuration).Where(url => !IsLoopback(url)).ToList();
}
