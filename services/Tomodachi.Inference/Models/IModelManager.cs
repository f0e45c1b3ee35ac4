namespace Tomodachi.Inference.Models;

/// <summary>Owns the one model the service runs: what it is, loading, switching and unloading it, and access to it.</summary>
public interface IModelManager
{
    /// <summary>The model serving now, or the one being loaded or last tried when none is.</summary>
    ModelDescription Describe();

    /// <summary>True while a load is under way, and, when the service loads its model at start-up, until that load ends.</summary>
    bool Loading { get; }

    /// <summary>A lease on the loaded model, or null when none is loaded.</summary>
    LoadedModel.Lease? TryAcquire();

    /// <summary>
    /// A lease on the loaded model; a model unloaded for being idle (Inference:KeepAlive) is loaded again first.
    /// Null when no model is loaded and none is waiting to come back.
    /// </summary>
    ValueTask<LoadedModel.Lease?> AcquireAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Loads the model <paramref name="reference"/> names (see <see cref="ModelCatalog.Resolve"/>), or the configured
    /// model when null, in place of the running one. A failed load leaves the model that was serving serving.
    /// </summary>
    /// <exception cref="ModelAccessDeniedException">The reference names a file outside the model folders.</exception>
    /// <exception cref="ModelNotFoundException">Nothing by that name.</exception>
    /// <exception cref="ArgumentException">A malformed hf: reference.</exception>
    Task<ModelLoadResult> LoadAsync(string? reference, CancellationToken cancellationToken);

    /// <summary>Releases the weights; replies in flight fail.</summary>
    Task<ModelDescription> UnloadAsync(CancellationToken cancellationToken);

    /// <summary>Unloads the model when nobody has used it for <paramref name="keepAlive"/>; the next chat loads it again.</summary>
    Task UnloadIfIdleAsync(TimeSpan keepAlive, CancellationToken cancellationToken);

    /// <summary>Deletes a model file from the model folders, with its checksum and partial download.</summary>
    /// <exception cref="ModelInUseException">It is the model that is loaded.</exception>
    Task<CatalogEntry> DeleteAsync(string reference, CancellationToken cancellationToken);

    /// <summary>Raised after every load or unload.</summary>
    event Action? Changed;
}

/// <summary>The outcome of a load.</summary>
/// <param name="Model">The model serving after it (the new one, the one before, or none).</param>
/// <param name="Error">Why the requested model could not be loaded, or null when it was.</param>
public sealed record ModelLoadResult(ModelDescription Model, string? Error);
