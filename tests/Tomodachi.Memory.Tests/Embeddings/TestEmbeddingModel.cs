using Tomodachi.Models.Gguf;

namespace Tomodachi.Memory.Tests.Embeddings;

/// <summary>
/// A small llama GGUF with random weights, written once per machine by the shared GGUF writer (same spec, same
/// bytes). Random weights embed deterministically but without meaning, so tests check properties, not similarity.
/// </summary>
public static class TestEmbeddingModel
{
    public const int EmbeddingLength = 64;
    public const int ContextLength = 256;

    public static readonly GgufModelSpec Spec = new()
    {
        Name = "tomodachi-test-embedder",
        VocabSize = 512,
        EmbeddingLength = EmbeddingLength,
        BlockCount = 2,
        FeedForwardLength = 128,
        HeadCount = 4,
        HeadCountKv = 2,
        ContextLength = ContextLength,
        Seed = 11,
    };

    public const string FileName = "embedder-e64-v1.gguf";

    /// <summary>The name the memory service gives vectors made with this file and mean pooling.</summary>
    public const string EmbedderName = $"gguf:{FileName}:mean";

    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "tomodachi-memory-tests");
    private static readonly Lazy<Task<string>> File = new(EnsureAsync);

    public static Task<string> PathAsync() => File.Value;

    /// <summary>A fresh path in the test directory, for files a test makes itself.</summary>
    public static string ScratchPath(string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, $"{Guid.NewGuid():N}-{name}");
    }

    private static async Task<string> EnsureAsync()
    {
        var path = Path.Combine(Directory, FileName);
        if (!System.IO.File.Exists(path))
        {
            await GgufWriter.WriteAsync(Spec, path, CancellationToken.None);
        }

        return path;
    }
}
