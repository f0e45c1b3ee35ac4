namespace Tomodachi.Gateway.Security;

/// <summary>Who may pass the gateway. Bound from the "Tomodachi" section (env: Tomodachi__ApiKey).</summary>
public sealed class GatewaySecurityOptions
{
    public const string SectionName = "Tomodachi";

    /// <summary>
    /// When set, every request except health probes must carry it: header x-api-key (gRPC metadata too),
    /// "Authorization: Bearer", or the cookie the /login page sets. Required when the gateway listens beyond loopback.
    /// </summary>
    public string? ApiKey { get; set; }
}
