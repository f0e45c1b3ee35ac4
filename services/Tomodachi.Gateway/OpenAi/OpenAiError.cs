namespace Tomodachi.Gateway.OpenAi;

/// <summary>
/// A refusal in OpenAI's terms: the HTTP status and the body <c>{"error":{"message","type","param","code"}}</c> that
/// OpenAI's SDKs read into their exceptions.
/// </summary>
public sealed class OpenAiError(int status, string message, string type, string? param = null, string? code = null) : Exception(message)
{
    public const string InvalidRequest = "invalid_request_error";
    public const string ServerError = "server_error";

    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;

    /// <summary>Seconds a client should wait before trying again (429), or null.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static OpenAiError BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, InvalidRequest, param, code);

    public static OpenAiError ModelNotFound(string model, string known) =>
        new(StatusCodes.Status404NotFound, $"The model '{model}' does not exist here; {known}", InvalidRequest, "model", "model_not_found");

    /// <summary>A caller-supplied value fit to quote in a message: at most 100 characters.</summary>
    public static string Excerpt(string value) => value.Length > 100 ? value[..100] + "…" : value;

    public ErrorBody ToBody() => new(new ErrorDetail(Message, Type, Param, Code));
}

/// <summary>The wire shape of an error.</summary>
public sealed record ErrorBody(ErrorDetail Error);

/// <summary>What went wrong, which kind of error it is, the request field at fault and a machine-readable code.</summary>
public sealed record ErrorDetail(string Message, string Type, string? Param, string? Code);
