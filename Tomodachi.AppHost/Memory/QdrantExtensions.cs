using System.Diagnostics;

namespace Tomodachi.AppHost.Memory;

/// <summary>
/// Qdrant for the memory service, when there is one to be had: an existing server named by
/// <c>TOMODACHI_QDRANT</c>, else a <c>qdrant/qdrant</c> container when a container runtime answers.
/// Otherwise the memory service keeps its embedded store, which needs nothing.
/// </summary>
public static class QdrantExtensions
{
    public const string ExistingServerVariable = "TOMODACHI_QDRANT";
    public const string ConnectionName = "qdrant";
    public const string Image = "qdrant/qdrant";
    // The server release matching the Qdrant.Client version the memory service uses (1.20.0).
    public const string ImageTag = "v1.20.0";

    public static IResourceBuilder<IResourceWithConnectionString>? AddQdrantIfAvailable(this IDistributedApplicationBuilder builder)
    {
        var existing = Environment.GetEnvironmentVariable(ExistingServerVariable);
        if (!string.IsNullOrWhiteSpace(existing))
        {
            Console.WriteLine($"Memory: using the Qdrant server named by {ExistingServerVariable}.");
            builder.Configuration[$"ConnectionStrings:{ConnectionName}"] = existing;
            return builder.AddConnectionString(ConnectionName);
        }

        if (!IsContainerRuntimeAvailable())
        {
            Console.WriteLine($"Memory: no container runtime answers and {ExistingServerVariable} is not set: the memory service uses its embedded store.");
            return null;
        }

        Console.WriteLine($"Memory: starting a {Image}:{ImageTag} container for the memory service.");
        var container = builder.AddContainer("qdrant-server", Image, ImageTag)
            .WithVolume("tomodachi-qdrant-storage", "/qdrant/storage")
            .WithHttpEndpoint(targetPort: 6333, name: "http")
            .WithEndpoint(targetPort: 6334, name: "grpc", scheme: "http")
            .WithHttpHealthCheck("/readyz", endpointName: "http");
        var connection = builder.AddConnectionString(ConnectionName,
            ReferenceExpression.Create($"Endpoint={container.GetEndpoint("grpc")}"));
        return connection.WaitFor(container);
    }

    /// <summary>Points the memory service at Qdrant, or leaves it on the embedded store when there is none.</summary>
    public static IResourceBuilder<ProjectResource> WithQdrant(
        this IResourceBuilder<ProjectResource> memory, IResourceBuilder<IResourceWithConnectionString>? qdrant) =>
        qdrant is null ? memory : memory.WithReference(qdrant).WaitFor(qdrant);

    /// <summary>True when `docker info` (or `podman info`) succeeds, i.e. an engine is running, not just a CLI installed.</summary>
    private static bool IsContainerRuntimeAvailable() =>
        new[] { Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME"), "docker", "podman" }
            .OfType<string>()
            .Where(runtime => runtime.Length > 0)
            .Distinct()
            .Any(Answers);

    private static bool Answers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill();
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed.
            return false;
        }
    }
}
