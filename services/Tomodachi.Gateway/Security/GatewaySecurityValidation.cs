using Microsoft.Extensions.Options;

namespace Tomodachi.Gateway.Security;

/// <summary>Refuses to start a gateway that other machines can reach without an API key.</summary>
public sealed class GatewaySecurityValidation(IConfiguration configuration) : IValidateOptions<GatewaySecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewaySecurityOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            return options.ApiKey.Length >= 16
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Tomodachi:ApiKey must be at least 16 characters long.");
        }

        var exposed = ListenAddresses.Exposed(configuration);
        return exposed.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"The gateway would listen on {string.Join(", ", exposed)}, which other machines can reach, without an API key. " +
                "Set Tomodachi:ApiKey (environment variable Tomodachi__ApiKey, at least 16 characters) or bind to 127.0.0.1.");
    }
}
