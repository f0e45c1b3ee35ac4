namespace Tomodachi.AppHost.Knob;

/// <summary>
/// The knob runs either here (simulated pins unless this machine has a GPIO chip) or on a Raspberry Pi with the
/// encoder wired to its header. Setting <see cref="RemoteUrlSetting"/> (environment variable or AppHost
/// configuration) to that Pi's knob gRPC endpoint, e.g. <c>http://raspberrypi.local:5222</c>, replaces the local
/// project with it.
/// </summary>
public static class KnobExtensions
{
    public const string RemoteUrlSetting = "TOMODACHI_KNOB_URL";

    /// <summary>The local knob project, or null when a remote knob is configured.</summary>
    public static IResourceBuilder<ProjectResource>? AddLocalKnob(this IDistributedApplicationBuilder builder) =>
        RemoteKnobUrl(builder) is null
            ? builder.AddProject<Projects.Tomodachi_Knob>("knob").WithHttpHealthCheck("/health")
            : null;

    /// <summary>
    /// Points a resource at the knob: the local project by reference, or the remote one through the same
    /// service-discovery key a reference would set, <c>services__knob__grpc__0</c>, so callers resolve
    /// <c>http://_grpc.knob</c> either way. Callers do not wait for it: they show it Offline while it is down, and a
    /// knob that crash-loops at start-up must not keep them from starting.
    /// </summary>
    public static IResourceBuilder<T> WithKnob<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource>? localKnob)
        where T : IResourceWithEnvironment
    {
        if (localKnob is not null)
        {
            return builder.WithReference(localKnob);
        }

        var remote = RemoteKnobUrl(builder.ApplicationBuilder)!;
        return builder.WithEnvironment("services__knob__grpc__0", remote.ToString());
    }

    private static Uri? RemoteKnobUrl(IDistributedApplicationBuilder builder)
    {
        var value = builder.Configuration[RemoteUrlSetting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new InvalidOperationException(
                $"{RemoteUrlSetting} must be the remote knob's gRPC URL, like http://raspberrypi.local:5222; it is '{value}'.");
    }
}
