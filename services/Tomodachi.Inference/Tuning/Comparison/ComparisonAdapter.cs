using LLama.Exceptions;
using LLama.Native;
using Tomodachi.Inference.Models;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>
/// The adapter a comparison applies: the model's own copy when a persona configured it (loaded with the model,
/// left loaded), otherwise one loaded from the file for this comparison and freed when it is disposed.
/// </summary>
public sealed class ComparisonAdapter : IDisposable
{
    private readonly bool _owned;

    private ComparisonAdapter(LoraAdapter adapter, bool owned) => (Adapter, _owned) = (adapter, owned);

    public LoraAdapter Adapter { get; }

    /// <summary>Loads <paramref name="path"/> for <paramref name="model"/>; llama.cpp's refusal becomes <see cref="ComparisonRejectedException"/>.</summary>
    public static ComparisonAdapter Open(LoadedModel model, string configuredPath, string fullPath)
    {
        if (model.Adapters.TryGetValue(configuredPath, out var loaded))
        {
            return new ComparisonAdapter(loaded, owned: false);
        }

        try
        {
            return new ComparisonAdapter(model.Weights.NativeHandle.LoadLoraFromFile(fullPath), owned: true);
        }
        catch (Exception e) when (e is RuntimeError or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new ComparisonRejectedException($"The LoRA adapter {fullPath} cannot be used: llama.cpp could not load it ({e.Message}).", e);
        }
    }

    public void Dispose()
    {
        if (_owned)
        {
            Adapter.Unload();
        }
    }
}
