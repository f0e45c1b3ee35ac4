namespace Tomodachi.Inference.Models;

/// <summary>Accepts local paths only; the file itself is checked when it is read.</summary>
public sealed class LocalModelLocator : IModelLocator
{
    public Task<string> ResolveAsync(string modelSpec, CancellationToken cancellationToken) =>
        modelSpec.StartsWith("hf:", StringComparison.Ordinal)
            ? throw new InvalidModelFileException($"Downloading models is not available in this build: {modelSpec}")
            : Task.FromResult(Path.GetFullPath(modelSpec));
}
