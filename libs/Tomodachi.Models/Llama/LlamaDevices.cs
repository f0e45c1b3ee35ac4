using System.Runtime.InteropServices;
using LLama.Native;

namespace Tomodachi.Models.Llama;

/// <summary>What the loaded llama.cpp native library computes on: its ggml devices and whether it can offload to a GPU.</summary>
public static class LlamaDevices
{
    /// <summary>The devices in llama.cpp's order, e.g. ["CPU"] for LLamaSharp.Backend.Cpu or ["CUDA0", "CPU"].</summary>
    public static IReadOnlyList<string> Names()
    {
        var count = (int)NativeApi.ggml_backend_dev_count();
        return [.. Enumerable.Range(0, count)
            .Select(i => Marshal.PtrToStringUTF8(NativeApi.ggml_backend_dev_name(NativeApi.ggml_backend_dev_get((nuint)i))) ?? "?")];
    }

    /// <summary>False on a CPU-only library, where llama.cpp ignores the layers asked to be offloaded.</summary>
    public static bool SupportsGpuOffload => NativeApi.llama_supports_gpu_offload();
}
