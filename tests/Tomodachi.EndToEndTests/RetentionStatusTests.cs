using System.Text.Json;
using Tomodachi.EndToEndTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

/// <summary>The Status panel's Retention section in Chromium, against what the inference service and Prometheus report.</summary>
[Collection(CampgroundCollection.Name)]
public sealed class RetentionStatusTests(CampgroundFixture suite)
{
    [Fact]
    public async Task The_status_panel_shows_the_journals_retention_and_the_history_retention_prometheus_runs_with()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var http = new HttpClient { BaseAddress = await suite.PrometheusAsync(timeout.Token) };
        // Prometheus's own word on its retention, so the panel's line is checked against the process, not the settings.
        using var runtime = JsonDocument.Parse(await http.GetStringAsync("/api/v1/status/runtimeinfo", timeout.Token));
        var storageRetention = runtime.RootElement.GetProperty("data").GetProperty("storageRetention").GetString();
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;

        await page.OpenStatusPanelAsync();

        Assert.Equal(CampgroundFixture.PrometheusRetention, storageRetention);
        // The suite runs with the defaults: no journal limit, so no sweep runs.
        await Expect(page.Locator("#retentionJournal")).ToHaveTextAsync("kept until you delete them");
        await Expect(page.Locator("#retentionLastSweep")).ToHaveTextAsync("none needed");
        await Expect(page.Locator("#retentionPrometheus")).ToHaveTextAsync(CampgroundFixture.PrometheusRetention);
    }
}
