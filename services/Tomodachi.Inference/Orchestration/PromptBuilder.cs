using System.Text;
using LLama;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Models;

namespace Tomodachi.Inference.Orchestration;

/// <summary>
/// Formats messages the way the model was trained to read them: with the GGUF's chat template when llama.cpp knows
/// it, otherwise with a plain fallback layout. Either way the text ends where the assistant's reply begins.
/// </summary>
public static class PromptBuilder
{
    public static string Build(LoadedModel model, string system, string user) =>
        Build(model, [new PromptMessage(PromptMessage.System, system), new PromptMessage(PromptMessage.User, user)]);

    public static string Build(LoadedModel model, IReadOnlyList<PromptMessage> messages)
    {
        if (model.File.ChatTemplate is not null && TryApplyModelTemplate(model, messages) is { } formatted)
        {
            return formatted;
        }

        var fallback = new StringBuilder();
        foreach (var message in messages.Where(IsShown))
        {
            fallback.Append("### ").Append(FallbackHeading(message.Role)).Append(":\n").Append(message.Content).Append("\n\n");
        }

        return fallback.Append("### Assistant:\n").ToString();
    }

    /// <summary>An empty system message (a plain chat without instructions) is left out rather than sent blank.</summary>
    private static bool IsShown(PromptMessage message) => message.Content.Length > 0 || message.Role != PromptMessage.System;

    private static string FallbackHeading(string role) => role switch
    {
        PromptMessage.System => "System",
        PromptMessage.Assistant => "Assistant",
        _ => "User",
    };

    private static string? TryApplyModelTemplate(LoadedModel model, IReadOnlyList<PromptMessage> messages)
    {
        try
        {
            var template = new LLamaTemplate(model.Weights, strict: true) { AddAssistant = true };
            foreach (var message in messages.Where(IsShown))
            {
                template.Add(message.Role, message.Content);
            }

            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (Exception exception) when (exception is LLama.Exceptions.RuntimeError or InvalidOperationException or ArgumentException)
        {
            // llama.cpp recognises templates by their shape, not by running Jinja; an unknown one falls back.
            return null;
        }
    }
}
