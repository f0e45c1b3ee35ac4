using System.Text;
using LLama;
using Tomodachi.Inference.Models;

namespace Tomodachi.Inference.Orchestration;

/// <summary>
/// Formats a system prompt and a user message the way the model was trained to read them: with the GGUF's chat
/// template when llama.cpp knows it, otherwise with a plain fallback layout.
/// </summary>
public static class PromptBuilder
{
    public static string Build(LoadedModel model, string system, string user)
    {
        if (model.File.ChatTemplate is not null && TryApplyModelTemplate(model, system, user) is { } formatted)
        {
            return formatted;
        }

        return $"### System:\n{system}\n\n### User:\n{user}\n\n### Assistant:\n";
    }

    private static string? TryApplyModelTemplate(LoadedModel model, string system, string user)
    {
        try
        {
            var template = new LLamaTemplate(model.Weights, strict: true) { AddAssistant = true };
            template.Add("system", system);
            template.Add("user", user);
            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (Exception exception) when (exception is LLama.Exceptions.RuntimeError or InvalidOperationException or ArgumentException)
        {
            // llama.cpp recognises templates by their shape, not by running Jinja; an unknown one falls back.
            return null;
        }
    }

    /// <summary>The persona's system prompt with the retrieved memories appended.</summary>
    public static string SystemPrompt(string personaPrompt, IReadOnlyList<string> memories)
    {
        if (memories.Count == 0)
        {
            return personaPrompt;
        }

        var builder = new StringBuilder(personaPrompt).Append("\n\nThings you remember about the user:");
        foreach (var memory in memories)
        {
            builder.Append("\n- ").Append(memory);
        }

        return builder.ToString();
    }
}
