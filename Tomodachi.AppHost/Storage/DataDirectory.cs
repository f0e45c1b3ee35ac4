namespace Tomodachi.AppHost.Storage;

/// <summary>
/// Where the suite keeps what it learns (turn journal, memories, Prometheus history). Unset, each service keeps
/// its own default under ~/.local/share/tomodachi; TOMODACHI_DATA moves all of it — the tests point it at a
/// temporary folder so a test run never writes into the owner's memories.
/// </summary>
public static class DataDirectory
{
    public const string Variable = "TOMODACHI_DATA";

    public static string Root(IDistributedApplicationBuilder builder) =>
        builder.Configuration[Variable] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tomodachi");

    public static bool IsConfigured(IDistributedApplicationBuilder builder) => builder.Configuration[Variable] is { Length: > 0 };

    /// <summary>Passes a data path to a service only when TOMODACHI_DATA is set, so the services' defaults stay theirs.</summary>
    public static IResourceBuilder<ProjectResource> WithDataPath(
        this IResourceBuilder<ProjectResource> resource, string setting, string relativePath)
    {
        var builder = resource.ApplicationBuilder;
        return IsConfigured(builder)
            ? resource.WithEnvironment(setting, Path.Combine(Root(builder), relativePath))
            : resource;
    }
}
