namespace Tomodachi.Web.Retention;

/// <summary>
/// The local Prometheus's retention as the AppHost started it (configuration section <c>Prometheus:Retention</c>, set
/// by the AppHost from its own <c>Prometheus:Retention:*</c>); shown in the Status panel beside the journal's.
/// </summary>
public sealed class PrometheusRetentionOptions
{
    public const string SectionName = "Prometheus:Retention";

    /// <summary>A Prometheus duration such as 15d; empty when the AppHost started no Prometheus.</summary>
    public string Time { get; set; } = "";

    /// <summary>A size such as 512MB; empty for no size limit.</summary>
    public string Size { get; set; } = "";
}
