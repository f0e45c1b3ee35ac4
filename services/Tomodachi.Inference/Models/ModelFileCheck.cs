using Tomodachi.Models;
using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Models;

/// <summary>
/// What is checked about a model file before the running model is touched: a GGUF header whose tensors all lie inside
/// the file, a model rather than an adapter, and an architecture this llama.cpp build runs for chat.
/// </summary>
public static class ModelFileCheck
{
    /// <summary>Architectures this llama.cpp build runs for chat; anything else is refused up front with a clear reason.</summary>
    private static readonly HashSet<string> SupportedArchitectures = new(StringComparer.Ordinal)
    {
        "llama", "llama4", "mistral3", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "gemma", "gemma2", "gemma3", "phi2",
        "phi3", "granite", "granitemoe", "olmo", "olmo2", "stablelm", "starcoder2", "deepseek2", "command-r", "cohere2",
        "exaone", "smollm3", "gpt2", "falcon", "mpt", "internlm2", "minicpm", "chatglm", "glm4", "bitnet", "gptneox",
    };

    /// <summary>Reads <paramref name="path"/>'s header; throws <see cref="InvalidModelFileException"/> saying why it is no usable model.</summary>
    public static GgufHeader Read(string path)
    {
        var header = GgufReader.ReadHeader(path);
        if (header.String("general.type") == "adapter")
        {
            throw new InvalidModelFileException($"This is a LoRA adapter, not a model; personas name adapters (AdapterPath): {path}");
        }

        return header;
    }

    /// <summary>Why llama.cpp would not run <paramref name="file"/> for chat, or null when it would.</summary>
    public static string? Unsupported(GgufFileInfo file) =>
        SupportedArchitectures.Contains(file.Architecture) ? null : $"Unsupported model architecture '{file.Architecture}': {file.Path}";
}
