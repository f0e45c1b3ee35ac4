namespace Tomodachi.Gateway.OpenAi;

/// <summary>The OpenAI-compatible API under /v1, on the gateway's HTTP port beside the web UI.</summary>
public static class OpenAiEndpoints
{
    public static readonly PathString Prefix = "/v1";

    public static IEndpointRouteBuilder MapOpenAi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup(Prefix).AddEndpointFilter<OpenAiErrorFilter>();
        v1.MapGet("/models", async (ModelCatalog models, CancellationToken cancellationToken) =>
            TypedResults.Json(new ModelList([.. (await models.ListAsync(cancellationToken)).Select(Entry)]), OpenAiJson.Default.ModelList));
        v1.MapGet("/models/{id}", async (string id, ModelCatalog models, CancellationToken cancellationToken) =>
            (await models.ListAsync(cancellationToken)).Contains(id)
                ? TypedResults.Json(Entry(id), OpenAiJson.Default.ModelEntry)
                : throw OpenAiError.ModelNotFound(OpenAiError.Excerpt(id), "GET /v1/models lists the models."));
        v1.MapPost("/chat/completions", (HttpContext context, ChatCompletions chat) => chat.RespondAsync(context));
        v1.MapPost("/embeddings", (HttpContext context, Embeddings embeddings) => embeddings.RespondAsync(context));
        // Anything else under /v1 is an OpenAI endpoint this server does not have, not a page of the web UI.
        v1.Map("/{**rest}", (HttpContext context) => OpenAiErrorFilter.Result(context, new OpenAiError(StatusCodes.Status404NotFound,
            $"This server has no {context.Request.Method} {OpenAiError.Excerpt(context.Request.Path)}; it serves GET /v1/models, " +
            "POST /v1/chat/completions and POST /v1/embeddings.", OpenAiError.InvalidRequest, code: "unknown_url")));
        return app;
    }

    /// <summary>The creation time of a local file's model is not known here; 0 says so rather than inventing one.</summary>
    private static ModelEntry Entry(string id) => new(id, Created: 0, OwnedBy: "tomodachi");
}
