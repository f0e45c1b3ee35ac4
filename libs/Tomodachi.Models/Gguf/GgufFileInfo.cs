namespace Tomodachi.Models.Gguf;

/// <summary>What a GGUF file says about itself, read without loading the weights.</summary>
public sealed record GgufFileInfo(
    string Path,
    string Architecture,
    string? Name,
    ulong ParameterCount,
    string Quantization,
    uint ContextLength,
    uint VocabSize,
    ulong FileSizeBytes,
    string? ChatTemplate);
