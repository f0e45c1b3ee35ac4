using Tomodachi.Models.Gguf;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Models;

/// <summary>
/// The model used when none is configured: random weights written by <see cref="GgufWriter"/>, so everything runs on
/// a fresh offline machine. It is flagged as demo everywhere; it babbles, it is not a real model.
/// </summary>
public static class DemoModel
{
    /// <summary>ChatML, which llama.cpp recognises, so the demo also exercises the GGUF chat-template path.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>general.name of the generated file, by which a demo model loaded by name is still known as one.</summary>
    public const string Name = "tomodachi-demo (random weights)";

    public static bool Is(GgufFileInfo file) => file.Name == Name;

    public static GgufModelSpec Spec(DemoModelOptions options) => new()
    {
        Name = Name,
        VocabSize = options.VocabSize,
        EmbeddingLength = options.EmbeddingLength,
        BlockCount = options.BlockCount,
        FeedForwardLength = options.FeedForwardLength,
        HeadCount = Math.Max(1, options.EmbeddingLength / 32),
        HeadCountKv = Math.Max(1, options.EmbeddingLength / 64),
        ContextLength = 4096,
        Seed = 2024,
        ChatTemplate = ChatMlTemplate,
    };

    /// <summary>Returns the demo model's path, writing it into <paramref name="cacheDirectory"/> on first use.</summary>
    public static async Task<string> EnsureAsync(DemoModelOptions options, string cacheDirectory, CancellationToken cancellationToken)
    {
        var spec = Spec(options);
        var path = Path.Combine(cacheDirectory,
            $"tomodachi-demo-v{spec.VocabSize}-e{spec.EmbeddingLength}-b{spec.BlockCount}-f{spec.FeedForwardLength}.gguf");
        if (!File.Exists(path))
        {
            await GgufWriter.WriteAsync(spec, path, cancellationToken);
        }

        return path;
    }
}
