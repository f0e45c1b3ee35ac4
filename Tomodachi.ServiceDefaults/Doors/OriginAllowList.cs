using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The browser pages that may call this process: its own (the Origin names the host and port the request was sent
/// to), and the configured ones.
/// </summary>
public sealed class OriginAllowList(IOptions<DoorOptions> options)
{
    private readonly string[] _configured = [.. DoorOptions.Split(options.Value.AllowedOrigins).Select(Canonical)];

    public bool Allows(string origin, HttpRequest request) =>
        _configured.Contains("*") || (Canonical(origin) is var page && (page == OwnOrigin(request) || _configured.Contains(page)));

    /// <summary>The origin of pages this server served for the request's Host: the UI calling its own server.</summary>
    private static string? OwnOrigin(HttpRequest request) =>
        HostName.Parse(request.Host.Value ?? "") is { } host ? $"{request.Scheme}://{host.Name}:{host.PortOr(request.Scheme)}" : null;

    /// <summary>
    /// http(s) origins as scheme://host:port with the port spelled out, so "http://localhost" and "http://localhost:80"
    /// agree; other schemes (a browser extension's, an app's) lower-cased as given. "null" stays "null", which only "*" admits.
    /// </summary>
    internal static string Canonical(string origin)
    {
        var value = origin.Trim().TrimEnd('/').ToLowerInvariant();
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && HostName.Parse(uri.Authority) is { } host
            ? $"{uri.Scheme}://{host.Name}:{host.PortOr(uri.Scheme)}"
            : value;
    }
}
