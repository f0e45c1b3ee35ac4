using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Refuses to start with an allow-list entry that could never match, naming the entry and the setting.</summary>
public sealed class DoorValidation(DoorSettingName setting) : IValidateOptions<DoorOptions>
{
    public ValidateOptionsResult Validate(string? name, DoorOptions options)
    {
        var failures = new List<string>();
        foreach (var entry in DoorOptions.Split(options.AllowedHosts).Where(e => e != "*" && HostName.Parse(e) is null))
        {
            failures.Add($"{setting.Section}:AllowedHosts: '{entry}' is not a host name, 'name:port' or '[ipv6]:port'.");
        }

        foreach (var entry in DoorOptions.Split(options.AllowedOrigins).Where(e => e != "*" && !IsOrigin(e)))
        {
            failures.Add($"{setting.Section}:AllowedOrigins: '{entry}' is not an origin like http://localhost:3000 (scheme, host and port; no path).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string entry) =>
        Uri.TryCreate(entry.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Host.Length > 0
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0;
}
