using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Orchestration;

/// <summary>The configured personas and the default one.</summary>
public sealed class PersonaCatalog(IOptions<InferenceOptions> options)
{
    public IReadOnlyList<PersonaOptions> All { get; } = options.Value.Personas;

    public PersonaOptions Default { get; } = options.Value.Personas.Single(p => p.Name == options.Value.DefaultPersona);

    public PersonaOptions? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
