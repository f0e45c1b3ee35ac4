using Microsoft.Extensions.Options;
using Tomodachi.Gateway.Limits;
using Tomodachi.Gateway.Security;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>
/// Gives OpenAI clients the gateway's API-key and body-size refusals in OpenAI's error JSON, which their SDKs turn
/// into readable exceptions. It refuses only what <see cref="ApiKeyMiddleware"/> and
/// <see cref="RequestLimitsMiddleware"/>, which come after it, would refuse anyway: they stay the authority.
/// </summary>
public sealed class OpenAiDoor(RequestDelegate next, ApiKeyCheck apiKey, IOptions<GatewayLimitsOptions> limits)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(OpenAiEndpoints.Prefix))
        {
            return next(context);
        }

        if (apiKey.Enabled && !apiKey.IsAuthorized(context.Request))
        {
            return Refuse(new OpenAiError(StatusCodes.Status401Unauthorized,
                "Missing or wrong API key: send it as 'Authorization: Bearer <key>' (the gateway's Tomodachi:ApiKey).",
                OpenAiError.InvalidRequest, code: "invalid_api_key"));
        }

        if (context.Request.ContentLength > limits.Value.MaxRequestBodyBytes)
        {
            return Refuse(OpenAiJson.TooLarge(limits.Value.MaxRequestBodyBytes));
        }

        return next(context);

        Task Refuse(OpenAiError error) => OpenAiErrorFilter.Result(context, error).ExecuteAsync(context);
    }
}
