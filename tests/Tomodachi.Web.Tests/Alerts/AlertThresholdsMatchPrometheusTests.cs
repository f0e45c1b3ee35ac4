using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Tomodachi.Web.Alerts;

namespace Tomodachi.Web.Tests.Alerts;

/// <summary>The banners and the Prometheus alerts must fire at the same figures; this reads both files.</summary>
public sealed partial class AlertThresholdsMatchPrometheusTests
{
    private static readonly string Root = FindRoot();

    private readonly string rules = File.ReadAllText(Path.Combine(Root, "deploy", "prometheus", "tomodachi.rules.yml"));

    private readonly AlertThresholdOptions web = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Root, "web", "Tomodachi.Web", "appsettings.json"))
        .Build()
        .GetSection(AlertThresholdOptions.SectionName)
        .Get<AlertThresholdOptions>()!;

    [Fact]
    public void Latency_threshold_equals_the_TomodachiSlowReplies_rule() =>
        Assert.Equal(Threshold(SlowReplies()), web.LatencySeconds);

    [Fact]
    public void Rss_threshold_equals_the_TomodachiHighMemory_rule() =>
        Assert.Equal(Threshold(HighMemory()), web.RssBytes);

    [Fact]
    public void Tokens_per_second_threshold_equals_the_TomodachiSlowGeneration_rule() =>
        Assert.Equal(Threshold(SlowGeneration()), web.MinTokensPerSecond);

    private double Threshold(Regex rule)
    {
        var match = rule.Match(rules);
        Assert.True(match.Success, $"rule not found: {rule}");
        return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tomodachi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Tomodachi.sln not found above the test output.");
    }

    [GeneratedRegex(@"alert: TomodachiSlowReplies\s+expr: .* > (?<value>[\d.]+)")]
    private static partial Regex SlowReplies();

    [GeneratedRegex(@"alert: TomodachiHighMemory\s+expr: .* > (?<value>[\d.]+)")]
    private static partial Regex HighMemory();

    [GeneratedRegex(@"alert: TomodachiSlowGeneration\s+expr: .* < (?<value>[\d.]+)")]
    private static partial Regex SlowGeneration();
}
