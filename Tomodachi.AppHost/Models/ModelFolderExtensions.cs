namespace Tomodachi.AppHost.Models;

/// <summary>
/// TOMODACHI_MODEL_FOLDERS lists folders of GGUF files, separated like PATH (':' on Linux), that the Models panel,
/// ListModels and LoadModel may use besides the model cache: Inference:ModelFolders.
/// </summary>
public static class ModelFolderExtensions
{
    public const string Variable = "TOMODACHI_MODEL_FOLDERS";

    public static IResourceBuilder<ProjectResource> WithModelFolders(this IResourceBuilder<ProjectResource> inference)
    {
        var folders = (inference.ApplicationBuilder.Configuration[Variable] ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < folders.Length; i++)
        {
            inference.WithEnvironment($"Inference__ModelFolders__{i}", Path.GetFullPath(folders[i]));
        }

        return inference;
    }
}
