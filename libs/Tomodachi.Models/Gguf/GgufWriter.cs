using System.Runtime.InteropServices;
using System.Text;

namespace Tomodachi.Models.Gguf;

/// <summary>
/// Writes a llama-architecture GGUF file with random F32 weights. The demo model, the tests and the benchmarks all
/// make their models with it, so nothing has to be downloaded.
/// </summary>
public static class GgufWriter
{
    private const uint F32 = 0;

    /// <summary>Writes the model described by <paramref name="spec"/> to <paramref name="path"/>, atomically.</summary>
    public static Task WriteAsync(GgufModelSpec spec, string path, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(path, stream => WriteAsync(spec, stream, cancellationToken));

    /// <summary>Writes the model to a stream.</summary>
    public static Task WriteAsync(GgufModelSpec spec, Stream output, CancellationToken cancellationToken)
    {
        spec.Validate();
        return WriteFileAsync(ModelMetadata(spec), ModelShapes(spec), spec.Seed, output, cancellationToken);
    }

    /// <summary>
    /// Writes a LoRA adapter for models of <paramref name="spec"/>'s shape: random rank-<paramref name="rank"/> updates
    /// of every block's attention query and output projections.
    /// </summary>
    public static Task WriteLoraAsync(GgufModelSpec spec, int rank, string path, CancellationToken cancellationToken)
    {
        spec.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        var metadata = new List<Action<BinaryWriter>>
        {
            w => WriteString(w, "general.architecture", "llama"),
            w => WriteString(w, "general.type", "adapter"),
            w => WriteString(w, "general.name", $"{spec.Name} lora r{rank}"),
            w => WriteString(w, "adapter.type", "lora"),
            w => WriteFloat32(w, "adapter.lora.alpha", rank),
        };
        long embd = spec.EmbeddingLength;
        var shapes = new List<(string Name, long[] Dims, bool IsNorm)>();
        for (var i = 0; i < spec.BlockCount; i++)
        {
            foreach (var projection in new[] { "attn_q", "attn_output" })
            {
                shapes.Add(($"blk.{i}.{projection}.weight.lora_a", [embd, rank], false));
                shapes.Add(($"blk.{i}.{projection}.weight.lora_b", [rank, embd], false));
            }
        }

        return WriteAtomicallyAsync(path, stream => WriteFileAsync(metadata, shapes, spec.Seed + 1, stream, cancellationToken));
    }

    private static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                await write(file);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task WriteFileAsync(
        List<Action<BinaryWriter>> metadata, List<(string Name, long[] Dims, bool IsNorm)> shapes, int seed, Stream output,
        CancellationToken cancellationToken)
    {
        var tensors = Plan(shapes);
        var header = new MemoryStream();
        using (var writer = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
        {
            WriteHeader(writer, metadata, tensors);
        }

        await output.WriteAsync(header.GetBuffer().AsMemory(0, (int)header.Length), cancellationToken);
        var random = new Random(seed);
        var buffer = new byte[256 * 1024];
        foreach (var tensor in tensors)
        {
            await WriteTensorDataAsync(output, tensor, random, buffer, cancellationToken);
        }
    }

    private sealed record TensorPlan(string Name, long[] Dimensions, bool IsNorm, long Offset)
    {
        public long Elements => Dimensions.Aggregate(1L, (a, b) => a * b);
        public long Bytes => Elements * sizeof(float);
    }

    private static List<(string Name, long[] Dims, bool IsNorm)> ModelShapes(GgufModelSpec spec)
    {
        long embd = spec.EmbeddingLength, kv = spec.KvWidth, ff = spec.FeedForwardLength, vocab = spec.VocabSize;
        var shapes = new List<(string Name, long[] Dims, bool IsNorm)> { ("token_embd.weight", [embd, vocab], false) };
        for (var i = 0; i < spec.BlockCount; i++)
        {
            shapes.Add(($"blk.{i}.attn_norm.weight", [embd], true));
            shapes.Add(($"blk.{i}.attn_q.weight", [embd, embd], false));
            shapes.Add(($"blk.{i}.attn_k.weight", [embd, kv], false));
            shapes.Add(($"blk.{i}.attn_v.weight", [embd, kv], false));
            shapes.Add(($"blk.{i}.attn_output.weight", [embd, embd], false));
            shapes.Add(($"blk.{i}.ffn_norm.weight", [embd], true));
            shapes.Add(($"blk.{i}.ffn_gate.weight", [embd, ff], false));
            shapes.Add(($"blk.{i}.ffn_up.weight", [embd, ff], false));
            shapes.Add(($"blk.{i}.ffn_down.weight", [ff, embd], false));
        }

        shapes.Add(("output_norm.weight", [embd], true));
        shapes.Add(("output.weight", [embd, vocab], false));
        return shapes;
    }

    private static List<TensorPlan> Plan(List<(string Name, long[] Dims, bool IsNorm)> shapes)
    {
        var plans = new List<TensorPlan>(shapes.Count);
        long offset = 0;
        foreach (var (name, dims, isNorm) in shapes)
        {
            var plan = new TensorPlan(name, dims, isNorm, offset);
            plans.Add(plan);
            offset = GgufFormat.Align(offset + plan.Bytes, GgufFormat.DefaultAlignment);
        }

        return plans;
    }

    private static List<Action<BinaryWriter>> ModelMetadata(GgufModelSpec spec)
    {
        var vocabulary = GgufVocabulary.Build(spec.VocabSize);
        var metadata = new List<Action<BinaryWriter>>
        {
            w => WriteString(w, "general.architecture", "llama"),
            w => WriteString(w, "general.name", spec.Name),
            w => WriteUInt32(w, "general.file_type", 0), // all F32
            w => WriteUInt32(w, "general.alignment", GgufFormat.DefaultAlignment),
            w => WriteUInt32(w, "llama.vocab_size", (uint)spec.VocabSize),
            w => WriteUInt32(w, "llama.context_length", (uint)spec.ContextLength),
            w => WriteUInt32(w, "llama.embedding_length", (uint)spec.EmbeddingLength),
            w => WriteUInt32(w, "llama.block_count", (uint)spec.BlockCount),
            w => WriteUInt32(w, "llama.feed_forward_length", (uint)spec.FeedForwardLength),
            w => WriteUInt32(w, "llama.attention.head_count", (uint)spec.HeadCount),
            w => WriteUInt32(w, "llama.attention.head_count_kv", (uint)spec.HeadCountKv),
            w => WriteUInt32(w, "llama.rope.dimension_count", (uint)(spec.EmbeddingLength / spec.HeadCount)),
            w => WriteFloat32(w, "llama.attention.layer_norm_rms_epsilon", 1e-5f),
            w => WriteString(w, "tokenizer.ggml.model", "llama"),
            w => WriteArray(w, "tokenizer.ggml.tokens", GgufFormat.ValueType.String, vocabulary, (x, v) => WriteRawString(x, v.Text)),
            w => WriteArray(w, "tokenizer.ggml.scores", GgufFormat.ValueType.Float32, vocabulary, (x, v) => x.Write(v.Score)),
            w => WriteArray(w, "tokenizer.ggml.token_type", GgufFormat.ValueType.Int32, vocabulary, (x, v) => x.Write(v.Type)),
            w => WriteUInt32(w, "tokenizer.ggml.unknown_token_id", GgufVocabulary.UnknownId),
            w => WriteUInt32(w, "tokenizer.ggml.bos_token_id", GgufVocabulary.BosId),
            w => WriteUInt32(w, "tokenizer.ggml.eos_token_id", GgufVocabulary.EosId),
            w => WriteBool(w, "tokenizer.ggml.add_bos_token", true),
            w => WriteBool(w, "tokenizer.ggml.add_eos_token", false),
        };
        if (spec.ChatTemplate is { } template)
        {
            metadata.Add(w => WriteString(w, "tokenizer.chat_template", template));
        }

        return metadata;
    }

    private static void WriteHeader(BinaryWriter writer, List<Action<BinaryWriter>> metadata, List<TensorPlan> tensors)
    {
        writer.Write(GgufFormat.Magic);
        writer.Write(GgufFormat.Version);
        writer.Write((ulong)tensors.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var entry in metadata)
        {
            entry(writer);
        }

        foreach (var tensor in tensors)
        {
            WriteRawString(writer, tensor.Name);
            writer.Write((uint)tensor.Dimensions.Length);
            foreach (var dimension in tensor.Dimensions)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write(F32);
            writer.Write((ulong)tensor.Offset);
        }

        writer.Flush();
        var padding = GgufFormat.Align(writer.BaseStream.Position, GgufFormat.DefaultAlignment) - writer.BaseStream.Position;
        writer.Write(new byte[padding]);
    }

    private static async Task WriteTensorDataAsync(Stream output, TensorPlan tensor, Random random, byte[] buffer, CancellationToken cancellationToken)
    {
        // Scaled by fan-in so activations stay finite through every block; norms start at one like a fresh model.
        var scale = tensor.IsNorm ? 0f : 1f / MathF.Sqrt(tensor.Dimensions[0]);
        var remaining = tensor.Elements;
        while (remaining > 0)
        {
            var count = (int)Math.Min(remaining, buffer.Length / sizeof(float));
            Fill(MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, count * sizeof(float))), random, tensor.IsNorm, scale);
            await output.WriteAsync(buffer.AsMemory(0, count * sizeof(float)), cancellationToken);
            remaining -= count;
        }

        var padding = GgufFormat.Align(tensor.Bytes, GgufFormat.DefaultAlignment) - tensor.Bytes;
        await output.WriteAsync(new byte[padding], cancellationToken);
    }

    private static void Fill(Span<float> values, Random random, bool isNorm, float scale)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = isNorm ? 1f : (random.NextSingle() * 2f - 1f) * scale;
        }
    }

    private static void WriteKey(BinaryWriter w, string key, GgufFormat.ValueType type)
    {
        WriteRawString(w, key);
        w.Write((uint)type);
    }

    private static void WriteRawString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteString(BinaryWriter w, string key, string value)
    {
        WriteKey(w, key, GgufFormat.ValueType.String);
        WriteRawString(w, value);
    }

    private static void WriteUInt32(BinaryWriter w, string key, uint value)
    {
        WriteKey(w, key, GgufFormat.ValueType.UInt32);
        w.Write(value);
    }

    private static void WriteFloat32(BinaryWriter w, string key, float value)
    {
        WriteKey(w, key, GgufFormat.ValueType.Float32);
        w.Write(value);
    }

    private static void WriteBool(BinaryWriter w, string key, bool value)
    {
        WriteKey(w, key, GgufFormat.ValueType.Bool);
        w.Write(value);
    }

    private static void WriteArray<T>(BinaryWriter w, string key, GgufFormat.ValueType elementType, IReadOnlyList<T> items, Action<BinaryWriter, T> writeItem)
    {
        WriteKey(w, key, GgufFormat.ValueType.Array);
        w.Write((uint)elementType);
        w.Write((ulong)items.Count);
        foreach (var item in items)
        {
            writeItem(w, item);
        }
    }
}
