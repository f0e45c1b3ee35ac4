using Microsoft.Extensions.Options;

namespace Tomodachi.Inference.Configuration;

/// <summary>Checks what data annotations cannot: persona names are unique and the default persona exists.</summary>
public sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var failures = new List<string>();
        var duplicates = options.Personas.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            failures.Add($"Inference:Personas names must be unique; repeated: {string.Join(", ", duplicates)}.");
        }

        if (!options.Personas.Any(p => p.Name == options.DefaultPersona))
        {
            failures.Add($"Inference:DefaultPersona '{options.DefaultPersona}' is not one of Inference:Personas.");
        }

        foreach (var folder in options.ModelFolders.Where(folder => !Path.IsPathFullyQualified(folder)))
        {
            failures.Add($"Inference:ModelFolders must hold absolute directory paths, not '{folder}'.");
        }

        foreach (var persona in options.Personas)
        {
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(persona, new(persona), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => $"Inference:Personas '{persona.Name}': {r.ErrorMessage}"));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
