using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tomodachi.Gateway.Security;

/// <summary>Compares presented credentials with the configured API key in constant time.</summary>
public sealed class ApiKeyCheck(IOptions<GatewaySecurityOptions> options)
{
    public const string HeaderName = "x-api-key";
    public const string CookieName = "tomodachi_session";

    public bool Enabled => !string.IsNullOrEmpty(options.Value.ApiKey);

    public bool IsKey(string? presented) => presented is not null && FixedEquals(presented, options.Value.ApiKey!);

    /// <summary>The browser cookie holds a keyed hash, never the key itself.</summary>
    public string SessionToken() =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey!), "tomodachi-web-session"u8));

    public bool IsAuthorized(HttpRequest request)
    {
        var bearer = request.Headers.Authorization.ToString();
        return IsKey(request.Headers[HeaderName].FirstOrDefault())
            || (bearer.StartsWith("Bearer ", StringComparison.Ordinal) && IsKey(bearer["Bearer ".Length..]))
            || (request.Cookies.TryGetValue(CookieName, out var cookie) && FixedEquals(cookie, SessionToken()));
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
