namespace Tomodachi.Models.Gguf;

/// <summary>A GGUF file's metadata and tensor table, without the tensor data.</summary>
/// <param name="Metadata">Values by key: numbers, booleans and strings as they are; arrays only by their length.</param>
public sealed record GgufHeader(
    string Path,
    string Architecture,
    IReadOnlyDictionary<string, object> Metadata,
    IReadOnlyList<GgufTensorInfo> Tensors,
    long FileLength)
{
    /// <summary>The string value of <paramref name="key"/>, or null when it is missing or not a string.</summary>
    public string? String(string key) => Metadata.TryGetValue(key, out var value) ? value as string : null;
}

/// <summary>One tensor of a GGUF file: its name, its shape (ggml order, fastest-varying first) and ggml type.</summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<ulong> Dimensions, uint Type, ulong Offset)
{
    public ulong Elements => Dimensions.Aggregate(1UL, (product, d) => product * d);
}
