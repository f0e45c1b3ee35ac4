using Tomodachi.Inference.V1;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>A chat model id and what it means: the loaded model on its own, or the companion with a persona.</summary>
public sealed record ChatModel(string Id, string? Persona);

/// <summary>
/// The model ids the OpenAI door answers to, read from the inference service on every call (the model can change at
/// run time): the model's own id for a plain chat, and <c>tomodachi:&lt;persona&gt;</c> for each persona.
/// </summary>
public sealed class ModelCatalog(InferenceService.InferenceServiceClient inference)
{
    public const string PersonaPrefix = "tomodachi:";

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var model = inference.GetModelAsync(new GetModelRequest(), cancellationToken: cancellationToken);
        var personas = inference.ListPersonasAsync(new ListPersonasRequest(), cancellationToken: cancellationToken);
        var id = (await model).Model?.Id;
        return [.. new[] { id }.OfType<string>().Where(i => i.Length > 0), .. (await personas).Personas.Select(p => PersonaPrefix + p.Name)];
    }

    /// <exception cref="OpenAiError">400 without a model, 404 for one that is not served here.</exception>
    public async Task<ChatModel> ResolveAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw OpenAiError.BadRequest("You must name a model: GET /v1/models lists them.", "model");
        }

        if (id.StartsWith(PersonaPrefix, StringComparison.Ordinal))
        {
            var name = id[PersonaPrefix.Length..];
            var personas = await inference.ListPersonasAsync(new ListPersonasRequest(), cancellationToken: cancellationToken);
            if (personas.Personas.Any(p => p.Name == name))
            {
                return new ChatModel(id, name);
            }
        }
        else if ((await inference.GetModelAsync(new GetModelRequest(), cancellationToken: cancellationToken)).Model?.Id == id)
        {
            return new ChatModel(id, null);
        }

        throw OpenAiError.ModelNotFound(id, $"the models are: {string.Join(", ", await ListAsync(cancellationToken))}.");
    }
}
