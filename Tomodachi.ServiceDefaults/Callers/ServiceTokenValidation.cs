using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Refuses to start a service that other machines can reach while it would answer anyone.</summary>
public sealed class ServiceTokenValidation(IConfiguration configuration, IEnumerable<FrontDoor> frontDoor)
    : IValidateOptions<ServiceTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceTokenOptions options)
    {
        if (!string.IsNullOrEmpty(options.ServiceToken) || frontDoor.Any())
        {
            return ValidateOptionsResult.Success;
        }

        var exposed = ListenAddresses.Exposed(configuration);
        return exposed.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"This service would listen on {string.Join(", ", exposed)}, which other machines can reach, without a service token. " +
                "Set Tomodachi:ServiceToken (environment variable Tomodachi__ServiceToken, at least 32 characters; the same value " +
                "the AppHost's service-token parameter holds) or bind to 127.0.0.1.");
    }
}
