using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Alerts;

namespace Tomodachi.Web.Tests.Alerts;

public sealed class AlertEvaluatorTests
{
    private readonly AlertEvaluator evaluator = new(Options.Create(new AlertThresholdOptions()));

    [Fact]
    public void Quick_turn_and_small_process_raise_no_alert() =>
        Assert.Empty(evaluator.Evaluate(TestData.Turn(latencyMs: 1200, tokensPerSecond: 40), new ProcessMemory { RssBytes = 500_000_000 }));

    [Fact]
    public void Turn_slower_than_five_seconds_raises_the_latency_banner()
    {
        var alert = Assert.Single(evaluator.Evaluate(TestData.Turn(latencyMs: 5012, tokensPerSecond: 40), null));

        Assert.Equal("latency", alert.Kind);
        Assert.Contains("5.01s", alert.Message);
    }

    [Fact]
    public void Generation_under_five_tokens_per_second_raises_the_throughput_banner()
    {
        var alert = Assert.Single(evaluator.Evaluate(TestData.Turn(tokensPerSecond: 4.2), null));

        Assert.Equal("throughput", alert.Kind);
        Assert.Contains("4.2 t/s", alert.Message);
    }

    [Fact]
    public void Turn_without_generated_tokens_has_no_throughput_to_judge() =>
        Assert.Empty(evaluator.Evaluate(TestData.Turn(completionTokens: 0, tokensPerSecond: 0), null));

    [Fact]
    public void Rss_over_two_gigabytes_raises_the_memory_banner()
    {
        var alert = Assert.Single(evaluator.Evaluate(null, new ProcessMemory { RssBytes = 2L * 1024 * 1024 * 1024 + 1 }));

        Assert.Equal("rss", alert.Kind);
    }

    [Fact]
    public void Thresholds_come_from_configuration()
    {
        var options = Build(new() { ["Alerts:LatencySeconds"] = "1" });

        var custom = new AlertEvaluator(options);

        Assert.Equal("latency", Assert.Single(custom.Evaluate(TestData.Turn(latencyMs: 1500, tokensPerSecond: 40), null)).Kind);
    }

    [Fact]
    public void Invalid_threshold_is_rejected_at_start_up()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new() { ["Alerts:MinTokensPerSecond"] = "-3" }).Value);

        Assert.Contains("MinTokensPerSecond", error.Message);
    }

    private static IOptions<AlertThresholdOptions> Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<AlertThresholdOptions>().BindConfiguration(AlertThresholdOptions.SectionName).ValidateDataAnnotations();
        return services.BuildServiceProvider().GetRequiredService<IOptions<AlertThresholdOptions>>();
    }
}
