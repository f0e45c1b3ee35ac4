namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>The prompts a comparison answers twice, read from a text file: one per line, # starts a comment.</summary>
public sealed record PromptSuite(string Path, IReadOnlyList<string> Prompts)
{
    // A suite is a handful of lines; anything this large is the wrong file.
    private const long MaxFileBytes = 1 << 20;

    /// <summary>A relative path is resolved against the service's directory, where the default suite ships.</summary>
    public static string Resolve(string path) => System.IO.Path.GetFullPath(path, AppContext.BaseDirectory);

    /// <summary>Reads the suite at <paramref name="path"/>; throws <see cref="ComparisonRejectedException"/> saying why it cannot be used.</summary>
    public static async Task<PromptSuite> LoadAsync(string path, int maxPrompts, CancellationToken ct)
    {
        var full = Resolve(path);
        if (!File.Exists(full))
        {
            throw new ComparisonRejectedException($"The prompt suite {full} does not exist; set Inference:Tuning:PromptSuitePath or prompt_suite_path.");
        }

        if (new FileInfo(full).Length > MaxFileBytes)
        {
            throw new ComparisonRejectedException($"The prompt suite {full} is larger than {MaxFileBytes} bytes; a suite is a list of prompts, one per line.");
        }

        var prompts = (await File.ReadAllLinesAsync(full, ct))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        if (prompts.Count == 0)
        {
            throw new ComparisonRejectedException($"The prompt suite {full} holds no prompts: write one per line (lines starting with # are comments).");
        }

        if (prompts.Count > maxPrompts)
        {
            throw new ComparisonRejectedException(
                $"The prompt suite {full} holds {prompts.Count} prompts; at most {maxPrompts} are allowed (Inference:Tuning:MaxSuitePrompts).");
        }

        return new PromptSuite(full, prompts);
    }
}
