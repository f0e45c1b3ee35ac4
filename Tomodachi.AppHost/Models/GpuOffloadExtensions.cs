namespace Tomodachi.AppHost.Models;

/// <summary>
/// TOMODACHI_GPU_LAYERS: how many of the model's layers llama.cpp offloads to a GPU (Inference:GpuLayers), for a
/// machine with a GPU backend installed (README, "On an NVIDIA GPU"). Unset keeps the model on the CPU.
/// </summary>
public static class GpuOffloadExtensions
{
    public const string Variable = "TOMODACHI_GPU_LAYERS";

    public static IResourceBuilder<ProjectResource> WithGpuLayers(this IResourceBuilder<ProjectResource> inference)
    {
        if (inference.ApplicationBuilder.Configuration[Variable] is { Length: > 0 } layers)
        {
            inference.WithEnvironment("Inference__GpuLayers", layers);
        }

        return inference;
    }
}
