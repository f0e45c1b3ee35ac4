namespace Tomodachi.Models.Gguf;

/// <summary>Constants of the GGUF container format (ggml docs/gguf.md).</summary>
internal static class GgufFormat
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const uint Version = 3;
    public const int DefaultAlignment = 32;

    public enum ValueType : uint
    {
        UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8,
        Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
    }

    /// <summary>ggml tensor types: name, elements per block, bytes per block.</summary>
    private static readonly Dictionary<uint, (string Name, int BlockElements, int BlockBytes)> TensorTypes = new()
    {
        [0] = ("F32", 1, 4), [1] = ("F16", 1, 2), [2] = ("Q4_0", 32, 18), [3] = ("Q4_1", 32, 20),
        [6] = ("Q5_0", 32, 22), [7] = ("Q5_1", 32, 24), [8] = ("Q8_0", 32, 34), [9] = ("Q8_1", 32, 36),
        [10] = ("Q2_K", 256, 84), [11] = ("Q3_K", 256, 110), [12] = ("Q4_K", 256, 144), [13] = ("Q5_K", 256, 176),
        [14] = ("Q6_K", 256, 210), [15] = ("Q8_K", 256, 292), [16] = ("IQ2_XXS", 256, 66), [17] = ("IQ2_XS", 256, 74),
        [18] = ("IQ3_XXS", 256, 98), [19] = ("IQ1_S", 256, 50), [20] = ("IQ4_NL", 32, 18), [21] = ("IQ3_S", 256, 110),
        [22] = ("IQ2_S", 256, 82), [23] = ("IQ4_XS", 256, 136), [24] = ("I8", 1, 1), [25] = ("I16", 1, 2),
        [26] = ("I32", 1, 4), [27] = ("I64", 1, 8), [28] = ("F64", 1, 8), [29] = ("IQ1_M", 256, 56),
        [30] = ("BF16", 1, 2), [34] = ("TQ1_0", 256, 54), [35] = ("TQ2_0", 256, 66),
    };

    public static string TensorTypeName(uint type) =>
        TensorTypes.TryGetValue(type, out var t) ? t.Name : $"type {type}";

    /// <summary>Bytes a tensor occupies, or null for a type this reader does not know.</summary>
    public static ulong? TensorBytes(uint type, ulong elements) =>
        TensorTypes.TryGetValue(type, out var t) ? elements / (ulong)t.BlockElements * (ulong)t.BlockBytes : null;

    public static long Align(long offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}
