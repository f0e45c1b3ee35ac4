namespace Tomodachi.AppHost.Memory;

/// <summary>
/// The memory service's backend is chosen by configuration, never guessed from what happens to run on the machine:
/// <c>Memory:Backend=qdrant</c> (AppHost configuration: <c>Memory__Backend=qdrant</c> in the environment, user secrets
/// or appsettings) plus the AppHost's connection-string parameter <c>qdrant</c> (<c>ConnectionStrings:qdrant</c>; the
/// dashboard asks for it when it is missing). Anything else keeps the embedded store, which needs nothing.
/// </summary>
public static class MemoryBackendExtensions
{
    public const string BackendKey = "Memory:Backend";
    public const string ConnectionName = "qdrant";

    public static IResourceBuilder<ProjectResource> WithMemoryBackend(this IResourceBuilder<ProjectResource> memory)
    {
        var builder = memory.ApplicationBuilder;
        var backend = builder.Configuration[BackendKey];
        if (string.IsNullOrWhiteSpace(backend) || backend.Equals("embedded", StringComparison.OrdinalIgnoreCase))
        {
            return memory.WithEnvironment("Memory__Backend", "Embedded");
        }

        if (!backend.Equals("qdrant", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{BackendKey} is '{backend}'; it must be embedded (the default) or qdrant.");
        }

        Console.WriteLine($"Memory: {BackendKey}=qdrant, so the memory service uses the Qdrant server of the connection string '{ConnectionName}'.");
        var qdrant = builder.AddConnectionString(ConnectionName);
        return memory.WithEnvironment("Memory__Backend", "Qdrant").WithReference(qdrant);
    }

    /// <summary>
    /// <c>TOMODACHI_EMBEDDING_MODEL</c> names a GGUF embedding model for memory; unset keeps the packaged sentence model.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEmbeddingModel(this IResourceBuilder<ProjectResource> memory) =>
        memory.ApplicationBuilder.Configuration["TOMODACHI_EMBEDDING_MODEL"] is { Length: > 0 } model
            ? memory.WithEnvironment("Memory__Embedder", "Gguf").WithEnvironment("Memory__EmbeddingModel", model)
            : memory;
}
