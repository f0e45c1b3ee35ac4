using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// How the supervisor treats a service that exits without being asked to (configuration section "Supervision", each
/// key overridable per service under "Supervision:Services:&lt;name&gt;", e.g. <c>Supervision:Services:memory:MaxFailures</c>).
/// The n-th failure within <see cref="FailureWindow"/> is started again after <see cref="InitialBackoff"/> × 2ⁿ⁻¹
/// (at most <see cref="MaxBackoff"/>); the <see cref="MaxFailures"/>-th marks the service crash-looping and it stays down.
/// </summary>
public sealed class RestartPolicyOptions
{
    public const string SectionName = "Supervision";

    /// <summary>False leaves the service down after any exit, as Aspire alone does.</summary>
    public bool Enabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failures within the window that mean "crash-looping": the last one is not restarted.</summary>
    [Range(1, 1000)]
    public int MaxFailures { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The service's named options: "Supervision", then "Supervision:Services:&lt;name&gt;" over it; validated at start-up.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration, string name)
    {
        var section = configuration.GetSection(SectionName);
        services.AddOptions<RestartPolicyOptions>(name)
            .Bind(section)
            .Bind(section.GetSection($"Services:{name}"))
            .ValidateDataAnnotations()
            .Validate(o => o.MaxBackoff >= o.InitialBackoff, $"Supervision of {name}: MaxBackoff must not be shorter than InitialBackoff.")
            .ValidateOnStart();
    }
}
