using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The secret that marks a call as coming from inside the suite: the gateway adds it to every request it forwards,
/// and the services add it to their calls to each other. Bound from the "Tomodachi" section
/// (env: Tomodachi__ServiceToken); the AppHost generates one per run.
/// </summary>
public sealed class ServiceTokenOptions
{
    public const string SectionName = "Tomodachi";

    /// <summary>The request header (gRPC metadata) that carries the token.</summary>
    public const string HeaderName = "x-tomodachi-service-token";

    /// <summary>
    /// When set, every request except /health, /alive and /metrics must carry it. Required when the process
    /// listens beyond loopback (the gateway instead has its API key).
    /// </summary>
    [MinLength(32, ErrorMessage = "Tomodachi:ServiceToken must be at least 32 characters long.")]
    public string? ServiceToken { get; set; }
}
