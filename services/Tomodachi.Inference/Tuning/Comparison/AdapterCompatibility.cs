using Tomodachi.Models;
using Tomodachi.Models.Gguf;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>
/// Checks a LoRA adapter file against the loaded model before llama.cpp sees it, with the checks llama.cpp makes
/// itself (type, architecture, every lora_a/lora_b pair against its base tensor's shape), so a bad file is refused
/// with a sentence naming the file and the reason instead of a native log line.
/// </summary>
public static class AdapterCompatibility
{
    private const string LoraA = ".lora_a";
    private const string LoraB = ".lora_b";

    /// <summary>Throws <see cref="ComparisonRejectedException"/> when <paramref name="adapterPath"/> cannot be applied to <paramref name="model"/>.</summary>
    public static void Check(string adapterPath, GgufFileInfo model)
    {
        if (!File.Exists(adapterPath))
        {
            throw Rejected(adapterPath, "the file does not exist");
        }

        var adapter = Read(adapterPath, "The LoRA adapter");
        if (adapter.String("general.type") is var type && type != "adapter")
        {
            throw Rejected(adapterPath, $"it is not an adapter (general.type is '{type ?? "missing"}', expected 'adapter')");
        }

        if (adapter.String("adapter.type") is var kind && kind != "lora")
        {
            throw Rejected(adapterPath, $"it is not a LoRA adapter (adapter.type is '{kind ?? "missing"}', expected 'lora')");
        }

        if (adapter.Architecture != model.Architecture)
        {
            throw Rejected(adapterPath, $"it was made for architecture '{adapter.Architecture}' but the model is '{model.Architecture}'");
        }

        CheckShapes(adapterPath, adapter, Read(model.Path, "The model file"));
    }

    private static void CheckShapes(string adapterPath, GgufHeader adapter, GgufHeader model)
    {
        var pairs = adapter.Tensors
            .Where(t => t.Name.EndsWith(LoraA, StringComparison.Ordinal) || t.Name.EndsWith(LoraB, StringComparison.Ordinal))
            .GroupBy(t => t.Name[..^LoraA.Length], StringComparer.Ordinal)
            .ToList();
        if (pairs.Count == 0)
        {
            throw Rejected(adapterPath, "it holds no LoRA tensors (*.lora_a / *.lora_b)");
        }

        var baseTensors = model.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var a = pair.SingleOrDefault(t => t.Name.EndsWith(LoraA, StringComparison.Ordinal));
            var b = pair.SingleOrDefault(t => t.Name.EndsWith(LoraB, StringComparison.Ordinal));
            if (a is null || b is null || a.Dimensions.Count != 2 || b.Dimensions.Count != 2)
            {
                throw Rejected(adapterPath, $"tensor '{pair.Key}' needs one 2-D lora_a and one 2-D lora_b");
            }

            if (!baseTensors.TryGetValue(pair.Key, out var target) || target.Dimensions.Count < 2)
            {
                throw Rejected(adapterPath, $"the model has no 2-D tensor '{pair.Key}' for it to adapt");
            }

            // ggml order: ne[0] is the input width. The token embedding is looked up, not multiplied, so its pair
            // is stored the other way round.
            var fits = pair.Key == "token_embd.weight"
                ? target.Dimensions[0] == b.Dimensions[1] && target.Dimensions[1] == a.Dimensions[1]
                : target.Dimensions[0] == a.Dimensions[0] && target.Dimensions[1] == b.Dimensions[1] && a.Dimensions[1] == b.Dimensions[0];
            if (!fits)
            {
                throw Rejected(adapterPath,
                    $"tensor '{pair.Key}' is {Shape(target)} in the model but the adapter's lora_a is {Shape(a)} and lora_b {Shape(b)}; it was made for a model of other dimensions");
            }
        }
    }

    private static GgufHeader Read(string path, string what)
    {
        try
        {
            return GgufReader.ReadHeader(path);
        }
        catch (Exception e) when (e is InvalidModelFileException or IOException or UnauthorizedAccessException)
        {
            throw new ComparisonRejectedException($"{what} {path} cannot be used: {e.Message}", e);
        }
    }

    private static string Shape(GgufTensorInfo tensor) => string.Join('×', tensor.Dimensions);

    private static ComparisonRejectedException Rejected(string path, string reason) =>
        new($"The LoRA adapter {path} cannot be used: {reason}.");
}
