using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Models;

/// <summary>The configured model as the service sees it: the file, whether it is in memory, and why not.</summary>
/// <param name="File">What the GGUF header says, or null when the file could not be read.</param>
/// <param name="Path">The file the service uses (or tried to use).</param>
/// <param name="ContextLength">Tokens of context each chat gets.</param>
/// <param name="LoadError">Why the model is not loaded, or null.</param>
public sealed record ModelDescription(GgufFileInfo? File, string Path, uint ContextLength, bool Loaded, bool Demo, string? LoadError)
{
    /// <summary>A short stable name: the file name without extension.</summary>
    public string Id => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Where the weights run, known once llama.cpp has loaded them; reported only while loaded.</summary>
    public ModelOffload? Offload { get; init; }
}
