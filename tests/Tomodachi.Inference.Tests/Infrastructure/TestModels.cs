using Tomodachi.Inference.Models;
using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Tests.Infrastructure;

/// <summary>Models the tests generate with the service's own GGUF writer, once per machine (same spec, same bytes).</summary>
public static class TestModels
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "tomodachi-inference-tests");

    /// <summary>Where the generated models and every scratch file live: a model folder of every <see cref="InferenceApp"/>.</summary>
    public static string Folder => Directory;

    /// <summary>A few hundred thousand weights: loads and generates in milliseconds.</summary>
    public static readonly GgufModelSpec TinySpec = new()
    {
        Name = "tiny",
        VocabSize = 400,
        EmbeddingLength = 64,
        BlockCount = 2,
        FeedForwardLength = 128,
        HeadCount = 4,
        HeadCountKv = 2,
        ContextLength = 1024,
        Seed = 7,
        ChatTemplate = DemoModel.ChatMlTemplate,
    };

    /// <summary>
    /// Weights of ~86 MB in one buffer: above glibc's largest mmap threshold (32 MiB), so the buffer is always mapped
    /// on its own and freeing it always shows in RSS, whatever the process allocated and freed before.
    /// </summary>
    public static readonly GgufModelSpec LargeSpec = TinySpec with
    {
        Name = "large",
        VocabSize = 16000,
        EmbeddingLength = 512,
        BlockCount = 2,
        FeedForwardLength = 1024,
        HeadCount = 8,
        HeadCountKv = 4,
    };

    private static readonly Lazy<Task<string>> TinyFile = new(() => EnsureAsync(TinySpec, "tiny-v2.gguf"));

    public static Task<string> TinyAsync() => TinyFile.Value;

    /// <summary>A second tiny model with other weights, to switch between.</summary>
    public static Task<string> OtherTinyAsync() => EnsureAsync(TinySpec with { Name = "other-tiny", Seed = 8 }, "other-tiny-v1.gguf");

    public static Task<string> LargeAsync() => EnsureAsync(LargeSpec, "large-v1.gguf");

    /// <summary>
    /// A copy of the tiny model whose header says the embeddings are twice as wide as its tensors are: every check made
    /// before loading passes (a GGUF header, a supported architecture, every tensor inside the file), and llama.cpp then
    /// refuses it — a file that looks valid and is broken.
    /// </summary>
    public static async Task<string> BrokenTinyAsync(string? path = null)
    {
        var bytes = await File.ReadAllBytesAsync(await TinyAsync());
        var key = System.Text.Encoding.ASCII.GetBytes("llama.embedding_length");
        var at = bytes.AsSpan().IndexOf(key) + key.Length;
        // The key is followed by its value type (uint32 = 4) and the value.
        BitConverter.GetBytes((uint)TinySpec.EmbeddingLength * 2).CopyTo(bytes, at + 4);
        path ??= ScratchPath("broken.gguf");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    /// <summary>A fresh path in the test directory, for files a test makes itself.</summary>
    public static string ScratchPath(string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, $"{Guid.NewGuid():N}-{name}");
    }

    private static async Task<string> EnsureAsync(GgufModelSpec spec, string name)
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            await GgufWriter.WriteAsync(spec, path, CancellationToken.None);
        }

        return path;
    }
}
