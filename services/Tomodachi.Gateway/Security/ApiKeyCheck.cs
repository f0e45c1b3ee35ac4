using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tomodachi.Gateway.Security;

/// <summary>Compares presented credentials with the configured API key in constant time.</summary>
public sealed class ApiKeyCheck(IOptions<GatewaySecurityOptions> options, UiSession session)
{
    public const string HeaderName = "x-api-key";

    public bool Enabled => !string.IsNullOrEmpty(options.Value.ApiKey);

    public bool IsKey(string? presented) =>
        presented is not null && Enabled
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(options.Value.ApiKey!));

    /// <summary>The key in the x-api-key header (gRPC metadata too), as "Authorization: Bearer", or the page's session cookie.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        var bearer = request.Headers.Authorization.ToString();
        return IsKey(request.Headers[HeaderName].FirstOrDefault())
            || (bearer.StartsWith("Bearer ", StringComparison.Ordinal) && IsKey(bearer["Bearer ".Length..]))
            || session.IsCarriedBy(request);
    }
}
