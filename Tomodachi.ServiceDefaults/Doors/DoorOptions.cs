namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Which Host names and browser Origins a process answers, beyond its loopback names and its own pages. The gateway
/// reads them from the "Gateway" section (Gateway:AllowedHosts, Gateway:AllowedOrigins); every other service from the
/// "Tomodachi" section. Entries are separated by commas or semicolons, so one environment variable holds a list:
/// <c>Gateway__AllowedHosts="tomodachi.lan:5173,host.docker.internal"</c>.
/// </summary>
public sealed class DoorOptions
{
    public const string GatewaySectionName = "Gateway";
    public const string ServiceSectionName = "Tomodachi";

    /// <summary>
    /// Extra Host names, each "name" (any port) or "name:port"; "*" answers every name, which gives up the
    /// protection against DNS rebinding.
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>
    /// Extra origins of browser pages that may call in, each "scheme://host[:port]" as the browser sends it
    /// (like Ollama's OLLAMA_ORIGINS); "*" lets every page in.
    /// </summary>
    public string? AllowedOrigins { get; set; }

    /// <summary>The configuration section a process reads: the front door's own, or the services' shared one.</summary>
    public static string SectionFor(bool frontDoor) => frontDoor ? GatewaySectionName : ServiceSectionName;

    internal static IReadOnlyList<string> Split(string? list) =>
        (list ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
