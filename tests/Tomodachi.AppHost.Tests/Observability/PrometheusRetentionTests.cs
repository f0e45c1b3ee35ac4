using Microsoft.Extensions.Configuration;
using Tomodachi.AppHost.Observability;

namespace Tomodachi.AppHost.Tests.Observability;

public sealed class PrometheusRetentionTests
{
    private static PrometheusRetention From(string? time = null, string? size = null) => PrometheusRetention.From(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PrometheusRetention.TimeKey] = time,
            [PrometheusRetention.SizeKey] = size,
        }).Build());

    [Fact]
    public void Unset_keeps_Prometheus_history_for_15_days_without_a_size_limit()
    {
        var retention = From();

        Assert.Equal(("15d", ""), (retention.Time, retention.Size));
        Assert.Equal(["--storage.tsdb.retention.time=15d"], retention.Arguments());
    }

    [Fact]
    public void A_configured_time_and_size_become_Prometheus_arguments()
    {
        var retention = From("4w2d", "512MB");

        Assert.Equal(["--storage.tsdb.retention.time=4w2d", "--storage.tsdb.retention.size=512MB"], retention.Arguments());
    }

    [Theory]
    [InlineData("15 days", null, "Prometheus:Retention:Time must be a Prometheus duration above zero")]
    [InlineData("0d", null, "Prometheus:Retention:Time must be a Prometheus duration above zero")]
    [InlineData("d15", null, "Prometheus:Retention:Time")]
    [InlineData(null, "2 gigabytes", "Prometheus:Retention:Size must be a size above zero")]
    [InlineData(null, "0GB", "Prometheus:Retention:Size must be a size above zero")]
    public void A_value_Prometheus_would_refuse_stops_the_AppHost_naming_the_setting(string? time, string? size, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(time, size));

        Assert.Contains(message, error.Message);
    }
}
