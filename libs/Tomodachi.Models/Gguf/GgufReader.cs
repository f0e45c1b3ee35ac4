using System.Text;

namespace Tomodachi.Models.Gguf;

/// <summary>
/// Reads a GGUF file's header, metadata and tensor table, and checks that every tensor's data lies inside the file.
/// It answers "what is this model" cheaply, and turns a bad file into a sentence a person understands.
/// </summary>
public static class GgufReader
{
    // A corrupt header could claim billions of entries; real models have a few hundred.
    private const ulong MaxEntries = 1_000_000;
    private const ulong MaxStringBytes = 64 * 1024 * 1024;

    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidModelFileException"/> with the reason on a bad file.</summary>
    public static GgufFileInfo Read(string path) => Describe(ReadHeader(path));

    /// <summary>
    /// The metadata and tensor table of <paramref name="path"/>, e.g. to check a LoRA adapter against its base model;
    /// throws <see cref="InvalidModelFileException"/> with the reason on a bad file.
    /// </summary>
    public static GgufHeader ReadHeader(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidModelFileException($"Model file not found: {path}");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (!stream.CanSeek)
        {
            // A pipe or a device: llama.cpp maps the file, so only a regular file can be a model.
            throw new InvalidModelFileException($"Not a regular file (a pipe or a device cannot hold a model): {path}");
        }

        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            return Read(path, reader, stream.Length);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidModelFileException($"The model file is truncated: its header ends early ({stream.Length} bytes): {path}");
        }
    }

    private static GgufHeader Read(string path, BinaryReader reader, long fileLength)
    {
        if (fileLength < 8 || reader.ReadUInt32() != GgufFormat.Magic)
        {
            throw new InvalidModelFileException($"Not a GGUF model file (no GGUF magic at the start): {path}");
        }

        var version = reader.ReadUInt32();
        if (version is < 2 or > 3)
        {
            throw new InvalidModelFileException($"Unsupported GGUF version {version} (2 and 3 are supported): {path}");
        }

        var tensorCount = Bounded(reader.ReadUInt64(), "tensor count");
        var metadataCount = Bounded(reader.ReadUInt64(), "metadata count");
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < metadataCount; i++)
        {
            var key = ReadString(reader);
            metadata[key] = ReadValue(reader, (GgufFormat.ValueType)reader.ReadUInt32());
        }

        var alignment = metadata.TryGetValue("general.alignment", out var a) ? Convert.ToInt32(a) : GgufFormat.DefaultAlignment;
        var tensors = new List<GgufTensorInfo>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString(reader);
            var dimensionCount = reader.ReadUInt32();
            if (dimensionCount > 8)
            {
                throw new InvalidModelFileException($"Tensor '{name}' claims {dimensionCount} dimensions; the file is corrupt: {path}");
            }

            var dimensions = new ulong[dimensionCount];
            for (var d = 0; d < dimensionCount; d++)
            {
                dimensions[d] = reader.ReadUInt64();
            }

            tensors.Add(new GgufTensorInfo(name, dimensions, reader.ReadUInt32(), reader.ReadUInt64()));
        }

        var dataStart = GgufFormat.Align(reader.BaseStream.Position, alignment);
        foreach (var tensor in tensors)
        {
            var end = (ulong)dataStart + tensor.Offset + (GgufFormat.TensorBytes(tensor.Type, tensor.Elements) ?? 0);
            if (end > (ulong)fileLength)
            {
                throw new InvalidModelFileException(
                    $"The model file is truncated: tensor '{tensor.Name}' ends at byte {end} but the file has {fileLength} bytes: {path}");
            }
        }

        var architecture = metadata.TryGetValue("general.architecture", out var arch) ? arch as string ?? "" : "";
        if (architecture.Length == 0)
        {
            throw new InvalidModelFileException($"The model file names no general.architecture: {path}");
        }

        return new GgufHeader(path, architecture, metadata, tensors, fileLength);
    }

    /// <summary>What a header says about its model, for a header already read (e.g. to check its type first).</summary>
    public static GgufFileInfo Describe(GgufHeader header)
    {
        var (path, architecture, metadata, tensors) = (header.Path, header.Architecture, header.Metadata, header.Tensors);
        return new GgufFileInfo(
            Path: path,
            Architecture: architecture,
            Name: header.String("general.name"),
            ParameterCount: tensors.Aggregate(0UL, (sum, t) => sum + t.Elements),
            Quantization: DominantType(tensors.Select(t => (t.Type, t.Elements))),
            ContextLength: UInt(metadata, $"{architecture}.context_length"),
            VocabSize: metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) && tokens is ArrayLength length
                ? (uint)length.Count
                : UInt(metadata, $"{architecture}.vocab_size"),
            FileSizeBytes: (ulong)header.FileLength,
            ChatTemplate: header.String("tokenizer.chat_template"),
            PoolingType: UInt(metadata, $"{architecture}.pooling_type"));
    }

    /// <summary>The weight type holding the most elements: what people call the model's quantization.</summary>
    private static string DominantType(IEnumerable<(uint Type, ulong Elements)> tensors) =>
        tensors.GroupBy(t => t.Type)
            .Select(g => (g.Key, Elements: g.Aggregate(0UL, (s, t) => s + t.Elements)))
            .OrderByDescending(g => g.Elements)
            .Select(g => GgufFormat.TensorTypeName(g.Key))
            .FirstOrDefault() ?? "none";

    private static uint UInt(IReadOnlyDictionary<string, object> metadata, string key) =>
        metadata.TryGetValue(key, out var value) && value is not string and not ArrayLength ? Convert.ToUInt32(value) : 0;

    private static ulong Bounded(ulong value, string what) =>
        value <= MaxEntries ? value : throw new InvalidModelFileException($"The GGUF {what} {value} is implausible; the file is corrupt.");

    /// <summary>Arrays are skipped, not kept: the vocabulary alone can hold hundreds of thousands of strings.</summary>
    private sealed record ArrayLength(ulong Count);

    private static object ReadValue(BinaryReader reader, GgufFormat.ValueType type) => type switch
    {
        GgufFormat.ValueType.UInt8 => reader.ReadByte(),
        GgufFormat.ValueType.Int8 => reader.ReadSByte(),
        GgufFormat.ValueType.UInt16 => reader.ReadUInt16(),
        GgufFormat.ValueType.Int16 => reader.ReadInt16(),
        GgufFormat.ValueType.UInt32 => reader.ReadUInt32(),
        GgufFormat.ValueType.Int32 => reader.ReadInt32(),
        GgufFormat.ValueType.Float32 => reader.ReadSingle(),
        GgufFormat.ValueType.Bool => reader.ReadByte() != 0,
        GgufFormat.ValueType.String => ReadString(reader),
        GgufFormat.ValueType.UInt64 => reader.ReadUInt64(),
        GgufFormat.ValueType.Int64 => reader.ReadInt64(),
        GgufFormat.ValueType.Float64 => reader.ReadDouble(),
        GgufFormat.ValueType.Array => SkipArray(reader),
        _ => throw new InvalidModelFileException($"Unknown GGUF metadata value type {(uint)type}; the file is corrupt."),
    };

    private static ArrayLength SkipArray(BinaryReader reader)
    {
        var elementType = (GgufFormat.ValueType)reader.ReadUInt32();
        var count = reader.ReadUInt64();
        var fixedSize = elementType switch
        {
            GgufFormat.ValueType.UInt8 or GgufFormat.ValueType.Int8 or GgufFormat.ValueType.Bool => 1,
            GgufFormat.ValueType.UInt16 or GgufFormat.ValueType.Int16 => 2,
            GgufFormat.ValueType.UInt32 or GgufFormat.ValueType.Int32 or GgufFormat.ValueType.Float32 => 4,
            GgufFormat.ValueType.UInt64 or GgufFormat.ValueType.Int64 or GgufFormat.ValueType.Float64 => 8,
            _ => 0,
        };
        if (fixedSize > 0)
        {
            var bytes = checked((long)count * fixedSize);
            if (reader.BaseStream.Position + bytes > reader.BaseStream.Length)
            {
                throw new EndOfStreamException();
            }

            reader.BaseStream.Seek(bytes, SeekOrigin.Current);
        }
        else
        {
            for (ulong i = 0; i < Bounded(count, "array length"); i++)
            {
                ReadValue(reader, elementType);
            }
        }

        return new ArrayLength(count);
    }

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        if (length > MaxStringBytes)
        {
            throw new InvalidModelFileException($"A GGUF string claims {length} bytes; the file is corrupt.");
        }

        var bytes = reader.ReadBytes((int)length);
        return bytes.Length == (int)length ? Encoding.UTF8.GetString(bytes) : throw new EndOfStreamException();
    }
}
