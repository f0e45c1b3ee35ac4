using System.Runtime.InteropServices;
using System.Text;

namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>
/// Writes a llama GGUF model whose reply is known in advance, so a browser test can check what the page makes of a
/// particular reply (markdown, a script tag) or stop a reply that is certain to still be running. The demo model's
/// random weights cannot do either: what it writes, and when it ends, is chance.
/// <para>
/// The model is a bigram table. Every attention output and feed-forward down projection is zero, so each block adds
/// nothing and the last hidden state is the embedding of the last token alone. Embeddings are one-hot, and each
/// output row scores one token far above all others after the token that precedes it in the script. The prompt
/// always ends in the chat template's "assistant\n", whose last token is the byte token for '\n' (none of the
/// script's pieces can be reached by SentencePiece merges, so prompts tokenize to bytes): after it comes the first
/// piece, after each piece the next one, after the last one end-of-generation, or the last piece again when
/// <see cref="Script.Endless"/> is set, until the persona's token limit. Sampling cannot leave the script: the
/// scripted token's logit is <see cref="Lead"/> above every other token's.
/// </para>
/// <para>
/// Zero weights still cost their full computation, so <see cref="Script.FeedForwardLength"/> and
/// <see cref="Script.BlockCount"/> set how long each token takes to generate without changing what is generated.
/// </para>
/// </summary>
internal static class ScriptedModel
{
    /// <summary>The demo model's chat template (ChatML), which llama.cpp recognises: the prompt ends in "assistant\n".</summary>
    private const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private const int EosId = 2, ByteBase = 3, PieceBase = ByteBase + 256;
    private const int NewlineToken = ByteBase + '\n';
    private const int Normal = 1, Unknown = 2, Control = 3, Byte = 6;
    private const float Lead = 40f;
    private const int Alignment = 32;

    /// <summary>What the model writes, and how much work each token costs.</summary>
    /// <param name="Pieces">The reply, token by token; each piece at least two characters and all different.</param>
    /// <param name="Endless">Repeat the last piece until the token limit instead of ending.</param>
    public sealed record Script(string Name, IReadOnlyList<string> Pieces, bool Endless = false, int BlockCount = 1, int FeedForwardLength = 64);

    public static async Task WriteAsync(Script script, string path, CancellationToken cancellationToken)
    {
        if (script.Pieces.Count == 0 || script.Pieces.Any(p => p.Length < 2) || script.Pieces.Distinct(StringComparer.Ordinal).Count() != script.Pieces.Count)
        {
            throw new ArgumentException("Pieces must be distinct and at least two characters long.", nameof(script));
        }

        // One one-hot dimension for the '\n' that ends every prompt and one per piece, in a width the heads divide.
        var width = Math.Max(64, (script.Pieces.Count + 1 + 63) / 64 * 64);
        var shape = new Shape(width, script.Pieces.Count, script.BlockCount, script.FeedForwardLength);
        var temporary = path + ".partial";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
        {
            var tensors = shape.Tensors();
            await file.WriteAsync(Header(script, shape, tensors), cancellationToken);
            foreach (var tensor in tensors)
            {
                await WriteTensorAsync(file, tensor, script, shape, cancellationToken);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Tensor(string Name, long[] Dimensions, long Offset)
    {
        public long Elements => Dimensions.Aggregate(1L, (a, b) => a * b);
    }

    private sealed record Shape(int Width, int PieceCount, int BlockCount, int FeedForwardLength)
    {
        public const int Heads = 2, KvHeads = 1;

        public int VocabSize => PieceBase + PieceCount;

        public int KvWidth => Width / Heads * KvHeads;

        public List<Tensor> Tensors()
        {
            var shapes = new List<(string, long[])> { ("token_embd.weight", [Width, VocabSize]) };
            for (var i = 0; i < BlockCount; i++)
            {
                shapes.Add(($"blk.{i}.attn_norm.weight", [Width]));
                shapes.Add(($"blk.{i}.attn_q.weight", [Width, Width]));
                shapes.Add(($"blk.{i}.attn_k.weight", [Width, KvWidth]));
                shapes.Add(($"blk.{i}.attn_v.weight", [Width, KvWidth]));
                shapes.Add(($"blk.{i}.attn_output.weight", [Width, Width]));
                shapes.Add(($"blk.{i}.ffn_norm.weight", [Width]));
                shapes.Add(($"blk.{i}.ffn_gate.weight", [Width, FeedForwardLength]));
                shapes.Add(($"blk.{i}.ffn_up.weight", [Width, FeedForwardLength]));
                shapes.Add(($"blk.{i}.ffn_down.weight", [FeedForwardLength, Width]));
            }

            shapes.Add(("output_norm.weight", [Width]));
            shapes.Add(("output.weight", [Width, VocabSize]));
            var tensors = new List<Tensor>();
            long offset = 0;
            foreach (var (name, dimensions) in shapes)
            {
                var tensor = new Tensor(name, dimensions, offset);
                tensors.Add(tensor);
                offset = Align(offset + tensor.Elements * sizeof(float));
            }

            return tensors;
        }
    }

    /// <summary>Row <c>token</c> of a [width, vocab] tensor is its width floats, stored one after another.</summary>
    private static async Task WriteTensorAsync(Stream file, Tensor tensor, Script script, Shape shape, CancellationToken cancellationToken)
    {
        if (tensor.Name.EndsWith("norm.weight", StringComparison.Ordinal))
        {
            await WriteFloatsAsync(file, Enumerable.Repeat(1f, (int)tensor.Elements).ToArray(), cancellationToken);
        }
        else if (tensor.Name is "token_embd.weight" or "output.weight")
        {
            var values = new float[tensor.Elements];
            // Dimension 0 stands for the prompt's final '\n', dimension i + 1 for piece i.
            if (tensor.Name == "token_embd.weight")
            {
                values[(long)NewlineToken * shape.Width] = 1f;
                for (var i = 0; i < shape.PieceCount; i++)
                {
                    values[(long)(PieceBase + i) * shape.Width + i + 1] = 1f;
                }
            }
            else
            {
                // RMS norm scales a one-hot vector to sqrt(width); the row of the token that follows carries Lead / sqrt(width).
                var weight = Lead / MathF.Sqrt(shape.Width);
                for (var dimension = 0; dimension <= shape.PieceCount; dimension++)
                {
                    var next = dimension < shape.PieceCount ? PieceBase + dimension
                        : script.Endless ? PieceBase + shape.PieceCount - 1 : EosId;
                    values[(long)next * shape.Width + dimension] = weight;
                }
            }

            await WriteFloatsAsync(file, values, cancellationToken);
        }
        else
        {
            await WriteZerosAsync(file, tensor.Elements * sizeof(float), cancellationToken);
        }

        await WriteZerosAsync(file, Align(tensor.Elements * sizeof(float)) - tensor.Elements * sizeof(float), cancellationToken);
    }

    private static async Task WriteFloatsAsync(Stream file, float[] values, CancellationToken cancellationToken) =>
        await file.WriteAsync(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), cancellationToken);

    private static async Task WriteZerosAsync(Stream file, long count, CancellationToken cancellationToken)
    {
        var zeros = new byte[1 << 20];
        for (var left = count; left > 0; left -= zeros.Length)
        {
            await file.WriteAsync(zeros.AsMemory(0, (int)Math.Min(left, zeros.Length)), cancellationToken);
        }
    }

    private static byte[] Header(Script script, Shape shape, List<Tensor> tensors)
    {
        var tokens = new List<(string Text, int Type)> { ("<unk>", Unknown), ("<s>", Control), ("</s>", Control) };
        tokens.AddRange(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", Byte)));
        tokens.AddRange(script.Pieces.Select(p => (p, Normal)));
        var metadata = new List<Action<BinaryWriter>>
        {
            w => String(w, "general.architecture", "llama"),
            w => String(w, "general.name", script.Name),
            w => UInt32(w, "general.file_type", 0),
            w => UInt32(w, "general.alignment", Alignment),
            w => UInt32(w, "llama.vocab_size", (uint)shape.VocabSize),
            w => UInt32(w, "llama.context_length", 4096),
            w => UInt32(w, "llama.embedding_length", (uint)shape.Width),
            w => UInt32(w, "llama.block_count", (uint)shape.BlockCount),
            w => UInt32(w, "llama.feed_forward_length", (uint)shape.FeedForwardLength),
            w => UInt32(w, "llama.attention.head_count", Shape.Heads),
            w => UInt32(w, "llama.attention.head_count_kv", Shape.KvHeads),
            w => UInt32(w, "llama.rope.dimension_count", (uint)(shape.Width / Shape.Heads)),
            w => Float32(w, "llama.attention.layer_norm_rms_epsilon", 1e-5f),
            w => String(w, "tokenizer.ggml.model", "llama"),
            w => Array(w, "tokenizer.ggml.tokens", 8, tokens, (x, t) => Raw(x, t.Text)),
            w => Array(w, "tokenizer.ggml.scores", 6, tokens, (x, _) => x.Write(0f)),
            w => Array(w, "tokenizer.ggml.token_type", 5, tokens, (x, t) => x.Write(t.Type)),
            w => UInt32(w, "tokenizer.ggml.unknown_token_id", 0),
            w => UInt32(w, "tokenizer.ggml.bos_token_id", 1),
            w => UInt32(w, "tokenizer.ggml.eos_token_id", EosId),
            w => Bool(w, "tokenizer.ggml.add_bos_token", true),
            w => Bool(w, "tokenizer.ggml.add_eos_token", false),
            w => String(w, "tokenizer.chat_template", ChatMlTemplate),
        };

        using var header = new MemoryStream();
        using (var w = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(0x46554747u); // "GGUF"
            w.Write(3u);
            w.Write((ulong)tensors.Count);
            w.Write((ulong)metadata.Count);
            metadata.ForEach(entry => entry(w));
            foreach (var tensor in tensors)
            {
                Raw(w, tensor.Name);
                w.Write((uint)tensor.Dimensions.Length);
                foreach (var dimension in tensor.Dimensions)
                {
                    w.Write((ulong)dimension);
                }

                w.Write(0u); // F32
                w.Write((ulong)tensor.Offset);
            }

            w.Write(new byte[Align(header.Position) - header.Position]);
        }

        return header.ToArray();
    }

    private static long Align(long offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static void Key(BinaryWriter w, string key, uint type)
    {
        Raw(w, key);
        w.Write(type);
    }

    private static void Raw(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void String(BinaryWriter w, string key, string value)
    {
        Key(w, key, 8);
        Raw(w, value);
    }

    private static void UInt32(BinaryWriter w, string key, uint value)
    {
        Key(w, key, 4);
        w.Write(value);
    }

    private static void Float32(BinaryWriter w, string key, float value)
    {
        Key(w, key, 6);
        w.Write(value);
    }

    private static void Bool(BinaryWriter w, string key, bool value)
    {
        Key(w, key, 7);
        w.Write(value);
    }

    private static void Array<T>(BinaryWriter w, string key, uint elementType, List<T> items, Action<BinaryWriter, T> write)
    {
        Key(w, key, 9);
        w.Write(elementType);
        w.Write((ulong)items.Count);
        items.ForEach(item => write(w, item));
    }
}
