using System.ComponentModel.DataAnnotations;

namespace Tomodachi.AppHost.Supervision;

/// <summary>Where the AppHost serves its restart counts (configuration section "Supervision:Endpoint").</summary>
public sealed class SupervisionEndpointOptions
{
    public const string SectionName = "Supervision:Endpoint";

    /// <summary>The loopback port of /metrics and /restarts.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5199;

    public Uri Url => new($"http://127.0.0.1:{Port}");
}
