namespace Tomodachi.Models.Gguf;

/// <summary>What a GGUF file says about itself, read without loading the weights.</summary>
/// <param name="PoolingType">
/// <c>{architecture}.pooling_type</c> as llama.cpp numbers it (0 none or unset, 1 mean, 2 CLS, 3 last): embedding
/// models name the pooling they were trained with.
/// </param>
public sealed record GgufFileInfo(
    string Path,
    string Architecture,
    string? Name,
    ulong ParameterCount,
    string Quantization,
    uint ContextLength,
    uint VocabSize,
    ulong FileSizeBytes,
    string? ChatTemplate,
    uint PoolingType = 0);
