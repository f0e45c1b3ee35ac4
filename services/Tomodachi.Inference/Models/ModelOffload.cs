using LLama;
using Tomodachi.Models.Llama;

namespace Tomodachi.Inference.Models;

/// <summary>Where a loaded model runs: llama.cpp's devices and how many of its layers went to a GPU.</summary>
/// <param name="Backend">The native library's devices, e.g. "CPU" or "CUDA0 + CPU".</param>
/// <param name="GpuLayers">Layers offloaded to a GPU; 0 on a CPU-only library whatever was asked.</param>
/// <param name="LayerCount">Layers as llama.cpp counts them for offloading: the blocks plus the output layer.</param>
public sealed record ModelOffload(string Backend, int GpuLayers, int LayerCount)
{
    public static ModelOffload Of(LLamaWeights weights, int requestedGpuLayers)
    {
        var layers = weights.NativeHandle.LayerCount + 1;
        var offloaded = LlamaDevices.SupportsGpuOffload ? Math.Min(requestedGpuLayers, layers) : 0;
        return new ModelOffload(string.Join(" + ", LlamaDevices.Names()), offloaded, layers);
    }
}
