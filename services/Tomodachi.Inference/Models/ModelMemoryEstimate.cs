using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Models;

/// <summary>
/// Roughly what loading a model costs in memory: its weights (the file), the KV cache for every slot's context, and a
/// tenth on top for llama.cpp's compute buffers. Used only to decide whether a new model can load beside the running one.
/// </summary>
public static class ModelMemoryEstimate
{
    public static long Bytes(GgufHeader header, long contextTokens)
    {
        var arch = header.Architecture;
        var layers = Number(header, $"{arch}.block_count");
        var width = Number(header, $"{arch}.embedding_length");
        var heads = Math.Max(1, Number(header, $"{arch}.attention.head_count"));
        var kvHeads = Number(header, $"{arch}.attention.head_count_kv") is > 0 and var kv ? kv : heads;
        // K and V, f16 (2 bytes), per layer and token: the model's key/value width, which grouped-query attention narrows.
        var kvCache = 2L * 2L * layers * contextTokens * (width / heads * kvHeads);
        return (header.FileLength + kvCache) * 11 / 10;
    }

    private static long Number(GgufHeader header, string key) =>
        header.Metadata.TryGetValue(key, out var value) && value is IConvertible and not string ? Convert.ToInt64(value) : 0;
}
