using System.Text.Json;
using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Knob.V1;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// The real Prometheus the AppHost starts scrapes the real services; what it stores must equal what the chat
/// reported, because both come from one measurement.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class ObservabilityTests(SuiteFixture suite)
{
    private const string Output = "gen_ai_token_type=\"output\"";

    private static CancellationToken Within(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private PrometheusApi Prometheus() => new(new HttpClient { BaseAddress = suite.Prometheus });

    [Fact]
    public async Task A_chat_shows_up_in_prometheus_with_exactly_the_figures_of_its_stats()
    {
        var prometheus = Prometheus();
        var timeout = Within(150);
        var turns = $"sum(gen_ai_client_token_usage_count{{{Output}}})";
        // A reply an earlier test cut short may still be recorded, and Prometheus scrapes every 5 s: start from a
        // baseline that holds every earlier turn, so the figures below differ by this chat alone.
        await new InferenceService.InferenceServiceClient(suite.CreateGatewayChannel()).WaitForIdleAsync(timeout);
        var before = await prometheus.SettledAsync(turns, TimeSpan.FromSeconds(5), timeout);
        var tokensBefore = await prometheus.ScalarAsync($"sum(gen_ai_client_token_usage_sum{{{Output}}})", timeout) ?? 0;
        var speedBefore = await prometheus.ScalarAsync("sum(tomodachi_inference_generation_tokens_per_second_sum)", timeout) ?? 0;

        var stats = await ChatAsync("Tell me about the campfire.", timeout);
        await prometheus.WaitForAsync(turns, v => v >= before + 1, timeout);
        var tokens = await prometheus.ScalarAsync($"sum(gen_ai_client_token_usage_sum{{{Output}}})", timeout);
        var speed = await prometheus.ScalarAsync("sum(tomodachi_inference_generation_tokens_per_second_sum)", timeout) ?? 0;

        Assert.Equal(before + 1, await prometheus.ScalarAsync(turns, timeout));
        Assert.True(stats.CompletionTokens > 1, "the demo model should generate a few tokens");
        Assert.Equal(stats.CompletionTokens, tokens - tokensBefore);
        Assert.Equal(stats.GenerationTokensPerSecond, speed - speedBefore, precision: 6);
    }

    [Fact]
    public async Task Prometheus_has_every_panel_series_with_the_expected_labels()
    {
        var prometheus = Prometheus();
        var timeout = Within(150);
        await ChatAsync("Hello there!", timeout);
        await new KnobService.KnobServiceClient(suite.CreateGatewayChannel())
            .SimulateAsync(new SimulateRequest { Action = SimulateAction.Click }, cancellationToken: timeout);

        var expected = new Dictionary<string, string[]>
        {
            [$"gen_ai_client_token_usage_count{{{Output}}}"] = ["gen_ai_operation_name", "gen_ai_request_model", "persona"],
            ["gen_ai_server_time_to_first_token_seconds_count"] = ["gen_ai_request_model"],
            ["gen_ai_server_request_duration_seconds_count"] = ["gen_ai_request_model"],
            ["tomodachi_inference_generation_tokens_per_second_count"] = ["gen_ai_request_model"],
            ["process_memory_usage_bytes{job=\"inference\"}"] = ["job"],
            ["tomodachi_memory_memories"] = ["backend"],
            ["tomodachi_memory_size_bytes"] = ["backend"],
            ["tomodachi_knob_presses_total"] = ["job"],
        };
        foreach (var (query, labels) in expected)
        {
            await prometheus.WaitForAsync(query, v => v > 0, timeout);
            var samples = await prometheus.QueryAsync(query, timeout);
            foreach (var label in labels)
            {
                Assert.True(samples.Any(s => s.Labels.ContainsKey(label)), $"{query} has no {label} label");
            }
        }
    }

    [Fact]
    public async Task No_series_carries_a_session_id_or_message_text_as_a_label()
    {
        var prometheus = Prometheus();
        var timeout = Within(150);
        const string secret = "my-secret-session-4711";
        await ChatAsync("The password is hunter2", timeout, secret);
        await prometheus.WaitForAsync("sum(gen_ai_server_request_duration_seconds_count)", v => v > 0, timeout);

        var everything = await prometheus.QueryAsync("{__name__=~\"gen_ai.*|tomodachi.*\"}", timeout);

        Assert.DoesNotContain(everything, s => s.Labels.Values.Any(v => v.Contains(secret) || v.Contains("hunter2")));
    }

    [Fact]
    public async Task Every_grafana_dashboard_query_is_valid_promql_against_the_real_prometheus()
    {
        var prometheus = Prometheus();
        var timeout = Within(60);
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.File("deploy/grafana/tomodachi-dashboard.json"), timeout));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();

        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            await prometheus.QueryAsync(query, timeout);
        }
    }

    private async Task<TurnStats> ChatAsync(string message, CancellationToken cancellationToken, string session = "observability-test")
    {
        var client = new InferenceService.InferenceServiceClient(suite.CreateGatewayChannel());
        using var call = client.Chat(new ChatRequest { SessionId = session, Message = message, MaxTokens = 16 }, cancellationToken: cancellationToken);
        TurnStats? stats = null;
        await foreach (var reply in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            stats = reply.Stats ?? stats;
        }

        return stats ?? throw new InvalidOperationException("the chat ended without stats");
    }
}
