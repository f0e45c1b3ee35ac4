using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Tomodachi.Web.Alerts;

namespace Tomodachi.Web.Tests.Export;

public sealed class ExportEndpointTests
{
    [Fact]
    public async Task Export_while_the_journal_is_unreachable_answers_503_with_the_reason()
    {
        await using var factory = CreateFactory();
        using var http = factory.CreateClient();

        using var response = await http.GetAsync("/export/turns.csv");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("The turn journal is offline", body);
        Assert.Contains("Unavailable", body);
    }

    [Fact]
    public async Task Page_is_served_while_every_backend_is_down()
    {
        await using var factory = CreateFactory();
        using var http = factory.CreateClient();

        var page = await http.GetStringAsync("/");

        Assert.True(page.Contains("blazor.web", StringComparison.Ordinal), page);
    }

    [Fact]
    public async Task Invalid_alert_threshold_stops_the_start_up()
    {
        await using var factory = CreateFactory(("Alerts:LatencySeconds", "0"));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(nameof(AlertThresholdOptions.LatencySeconds), error.Message);
    }

    /// <summary>The web with every backend pointed at a closed loopback port, whatever runs on the real ones.</summary>
    private static WebApplicationFactory<Program> CreateFactory(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Services:inference:grpc:0", "http://127.0.0.1:9");
            web.UseSetting("Services:memory:grpc:0", "http://127.0.0.1:9");
            web.UseSetting("Services:knob:grpc:0", "http://127.0.0.1:9");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
}
