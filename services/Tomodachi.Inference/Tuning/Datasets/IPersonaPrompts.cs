namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>The system prompt each persona replies with, for the system message of a training example.</summary>
public interface IPersonaPrompts
{
    /// <summary>Names of the configured personas.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>The persona's system prompt, or null when the persona is not configured or has none.</summary>
    string? SystemPromptOf(string persona);
}
