namespace Tomodachi.AppHost.Security;

/// <summary>
/// The secret that lets the services tell the suite's own calls from everyone else's. The AppHost generates a fresh
/// one every run (kept only in the processes' environments) unless <c>Parameters:service-token</c> is configured —
/// which a knob on a Raspberry Pi needs, since it must hold the same value.
/// </summary>
public static class ServiceTokenExtensions
{
    public const string ParameterName = "service-token";
    public const string Variable = "Tomodachi__ServiceToken";

    public static IResourceBuilder<ParameterResource> AddServiceToken(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(ParameterName, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);

    /// <summary>Gives a resource the token: the gateway stamps it on what it forwards, services require it and send it.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceToken(
        this IResourceBuilder<ProjectResource> resource, IResourceBuilder<ParameterResource> token) =>
        resource.WithEnvironment(Variable, token);
}
