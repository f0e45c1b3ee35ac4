using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.ServiceDefaults.Tests;

/// <summary>What the OTLP exporter is configured with; the exporter reads these keys from configuration.</summary>
public sealed class TelemetryDefaultsTests
{
    private const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string Timeout = "OTEL_EXPORTER_OTLP_TIMEOUT";

    [Fact]
    public void With_a_collector_configured_an_export_gives_up_after_one_second()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration[Endpoint] = "http://localhost:4317";

        builder.AddServiceDefaults();

        Assert.Equal("1000", builder.Configuration[Timeout]);
    }

    [Fact]
    public void A_timeout_set_by_the_operator_is_kept()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration[Endpoint] = "http://localhost:4317";
        builder.Configuration[Timeout] = "5000";

        builder.AddServiceDefaults();

        Assert.Equal("5000", builder.Configuration[Timeout]);
    }
}
