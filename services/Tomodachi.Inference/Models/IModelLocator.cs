namespace Tomodachi.Inference.Models;

/// <summary>Turns the configured model spec into a local GGUF path (downloading it if the spec asks for that).</summary>
public interface IModelLocator
{
    Task<string> ResolveAsync(string modelSpec, CancellationToken cancellationToken);
}
