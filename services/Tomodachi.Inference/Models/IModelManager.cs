namespace Tomodachi.Inference.Models;

/// <summary>Owns the one model the service runs: what it is, loading and unloading it, and access to it.</summary>
public interface IModelManager
{
    /// <summary>The configured (or last requested) model, loaded or not.</summary>
    ModelDescription Describe();

    /// <summary>True while a load is under way, and, when the service loads its model at start-up, until that load ends.</summary>
    bool Loading { get; }

    /// <summary>A lease on the loaded model, or null when none is loaded.</summary>
    LoadedModel.Lease? TryAcquire();

    /// <summary>Loads <paramref name="path"/>, or the configured model when null; a bad file leaves no model loaded.</summary>
    Task<ModelDescription> LoadAsync(string? path, CancellationToken cancellationToken);

    /// <summary>Releases the weights; waits for chats using them to stop.</summary>
    Task<ModelDescription> UnloadAsync(CancellationToken cancellationToken);

    /// <summary>Raised after every load or unload.</summary>
    event Action? Changed;
}
