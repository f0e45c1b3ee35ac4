namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>
/// Reads the system prompts from <c>Inference:Personas</c> (a list of objects with <c>Name</c> and
/// <c>SystemPrompt</c>, the shape the chat pipeline's options use). Only those two keys are read, so the chat
/// pipeline stays the owner and validator of the section.
/// </summary>
public sealed class ConfiguredPersonaPrompts : IPersonaPrompts
{
    public const string SectionName = "Inference:Personas";

    private readonly Dictionary<string, string> prompts;

    public ConfiguredPersonaPrompts(IConfiguration configuration)
    {
        prompts = configuration.GetSection(SectionName).GetChildren()
            .Select(persona => (Name: persona["Name"], Prompt: persona["SystemPrompt"]))
            .Where(p => !string.IsNullOrEmpty(p.Name))
            .GroupBy(p => p.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Prompt ?? "", StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Names => prompts.Keys;

    public string? SystemPromptOf(string persona) =>
        prompts.TryGetValue(persona, out var prompt) && prompt.Length > 0 ? prompt : null;
}
