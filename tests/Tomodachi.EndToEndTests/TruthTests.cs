using System.Globalization;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Tomodachi.EndToEndTests.Infrastructure.CampgroundPage;

namespace Tomodachi.EndToEndTests;

/// <summary>
/// One figure, one reading: after real chats through the gateway, the Status panel (read in Chromium), the real
/// Prometheus the AppHost starts (scraping /metrics) and the chat's own stats agree on tokens, tokens/s, time to
/// first token and RSS, each within the rounding of the format that shows it.
/// </summary>
[Collection(CampgroundCollection.Name)]
public sealed class TruthTests(CampgroundFixture suite)
{
    private const int Turns = 3;
    private const string Output = "gen_ai_token_type=\"output\",gen_ai_operation_name=\"chat\"";

    private static CancellationToken Within(TimeSpan span) => new CancellationTokenSource(span).Token;

    [Fact]
    public async Task The_panel_prometheus_and_the_chat_stats_show_the_same_figures_for_the_same_turns()
    {
        var timeout = Within(TimeSpan.FromMinutes(10));
        var prometheus = new PrometheusApi(new HttpClient { BaseAddress = await suite.PrometheusAsync(timeout) });
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenStatusPanelAsync();
        var sessionId = await page.SessionIdAsync();

        for (var turn = 0; turn < Turns; turn++)
        {
            var before = await Counters.ReadAfterAScrapeAsync(prometheus, timeout);
            await page.Locator("#chatInput").FillAsync($"Tell me about the campfire, part {turn + 1}.");
            await page.Locator("#chatInput").PressAsync("Enter");
            var reply = page.Locator(".chat-message.assistant").Nth(turn);
            await Expect(reply.Locator(".chat-stats")).ToBeVisibleAsync(new() { Timeout = Patient.Timeout });

            // The chat's stats: the line under the reply, and the record the journal kept of that very turn.
            var stats = await inference.NewestTurnAsync(sessionId, timeout);
            Assert.Equal(stats.TurnId, await reply.GetAttributeAsync("data-turn-id"));
            Assert.Equal(
                $"{stats.CompletionTokens} tokens · {Seconds(stats.TotalLatencyMs)} · {TokensPerSecond(stats.GenerationTokensPerSecond)}",
                await reply.Locator(".chat-stats").InnerTextAsync());

            // The panel: the same turn in its own formats.
            await Expect(page.Locator("#hudTokens")).ToHaveTextAsync(stats.CompletionTokens.ToString(CultureInfo.InvariantCulture));
            await Expect(page.Locator("#hudTokensPerSec")).ToHaveTextAsync(TokensPerSecond(stats.GenerationTokensPerSecond));
            await Expect(page.Locator("#hudTtft")).ToHaveTextAsync(Seconds(stats.TimeToFirstTokenMs));

            // Prometheus: what this one turn added to each instrument, once scraped.
            await prometheus.WaitForAsync(Counters.TurnsQuery, v => v >= before.Turns + 1, timeout);
            var after = await Counters.ReadAsync(prometheus, timeout);
            Assert.Equal(before.Turns + 1, after.Turns);
            Assert.Equal(stats.CompletionTokens, after.OutputTokens - before.OutputTokens);
            // A rate needs two tokens, a first token one; turns without them are recorded by neither histogram.
            Assert.Equal(stats.CompletionTokens >= 2 ? 1 : 0, after.RateCount - before.RateCount);
            Assert.Equal(stats.CompletionTokens >= 1 ? 1 : 0, after.TtftCount - before.TtftCount);
            if (stats.CompletionTokens >= 2)
            {
                var rate = after.RateSum - before.RateSum;
                Assert.Equal(stats.GenerationTokensPerSecond, rate, 6);
                AssertWithinRounding(rate, await page.Locator("#hudTokensPerSec").InnerTextAsync(), " t/s", 0.05);
            }

            if (stats.CompletionTokens >= 1)
            {
                var ttftMs = (after.TtftSum - before.TtftSum) * 1000;
                Assert.Equal(stats.TimeToFirstTokenMs, ttftMs, 6);
                AssertWithinRounding(ttftMs / 1000, await page.Locator("#hudTtft").InnerTextAsync(), "s", 0.005);
            }
        }

        await AssertRssIsOneSampleAsync(page, prometheus, timeout);
    }

    /// <summary>A figure the panel shows rounded (<paramref name="halfStep"/> = half its last digit) against the exact one.</summary>
    private static void AssertWithinRounding(double exact, string shown, string unit, double halfStep)
    {
        Assert.EndsWith(unit, shown);
        var value = double.Parse(shown[..^unit.Length], CultureInfo.InvariantCulture);
        Assert.InRange(value, exact - halfStep - 1e-9, exact + halfStep + 1e-9);
    }

    /// <summary>
    /// The panel's RSS and the time it was sampled; Prometheus's scrape of the same sample (matched by the sample time
    /// it exports beside it) must show the same bytes. A sample replaced before any scrape saw it is skipped for the
    /// next one the panel shows (bounded).
    /// </summary>
    private static async Task AssertRssIsOneSampleAsync(Microsoft.Playwright.IPage page, PrometheusApi prometheus, CancellationToken timeout)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var shown = await page.Locator("#hudModelMemory").InnerTextAsync();
            var sampledAt = DateTimeOffset.Parse(
                (await page.Locator("#hudModelMemoryAt").GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
            var at = sampledAt.ToUnixTimeMilliseconds() / 1000.0;
            for (var poll = 0; poll < 30; poll++)
            {
                var times = await prometheus.PointsAsync("tomodachi_process_memory_sample_time_seconds{job=\"inference\"}[2m]", timeout);
                var bytes = await prometheus.PointsAsync("process_memory_usage_bytes{job=\"inference\"}[2m]", timeout);
                var scrape = times.FirstOrDefault(t => Math.Abs(t.Value - at) < 0.002);
                if (scrape is not null)
                {
                    var value = bytes.Single(b => Math.Abs(b.At - scrape.At) < 0.001).Value;
                    Assert.Equal(shown, Megabytes1(value));
                    return;
                }

                if (times.Count > 0 && times[^1].Value > at + 0.002)
                {
                    break; // Prometheus has moved past this sample without scraping it.
                }

                await Task.Delay(TimeSpan.FromSeconds(1), timeout);
            }
        }

        Assert.Fail("Prometheus never scraped a memory sample the panel showed.");
    }

    /// <summary>The sums and counts of the turn instruments, summed over their series.</summary>
    private sealed record Counters(double Turns, double OutputTokens, double RateSum, double RateCount, double TtftSum, double TtftCount)
    {
        public const string TurnsQuery = "sum(gen_ai_server_request_duration_seconds_count)";

        /// <summary>The counters as of a scrape that began after this call, so every turn finished before it is in them.</summary>
        public static async Task<Counters> ReadAfterAScrapeAsync(PrometheusApi prometheus, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            await prometheus.WaitForAsync("timestamp(up{job=\"inference\"})", scraped => scraped > now, cancellationToken);
            return await ReadAsync(prometheus, cancellationToken);
        }

        public static async Task<Counters> ReadAsync(PrometheusApi prometheus, CancellationToken cancellationToken)
        {
            async Task<double> Sum(string query) => await prometheus.ScalarAsync(query, cancellationToken) ?? 0;
            return new Counters(
                await Sum(TurnsQuery),
                await Sum($"sum(gen_ai_client_token_usage_sum{{{Output}}})"),
                await Sum("sum(tomodachi_inference_generation_tokens_per_second_sum)"),
                await Sum("sum(tomodachi_inference_generation_tokens_per_second_count)"),
                await Sum("sum(gen_ai_server_time_to_first_token_seconds_sum)"),
                await Sum("sum(gen_ai_server_time_to_first_token_seconds_count)"));
        }
    }
}
