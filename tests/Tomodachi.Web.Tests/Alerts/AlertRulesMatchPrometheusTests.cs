using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tomodachi.Web.Alerts;
using YamlDotNet.RepresentationModel;

namespace Tomodachi.Web.Tests.Alerts;

/// <summary>
/// The panel's alerts and the Prometheus rules are one rule each, written twice: this reads
/// deploy/prometheus/tomodachi.rules.yml and the web's appsettings.json and fails on any difference in name,
/// expression (recording rules written out), window, hold time or threshold.
/// </summary>
public sealed partial class AlertRulesMatchPrometheusTests
{
    private static readonly string Root = FindRoot();

    private static readonly IReadOnlyList<AlertRule> Panel = new AlertEvaluator(Options.Create(new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Root, "web", "Tomodachi.Web", "appsettings.json"))
        .Build()
        .GetSection(AlertThresholdOptions.SectionName)
        .Get<AlertThresholdOptions>()!)).Rules;

    private static readonly IReadOnlyDictionary<string, (string Expr, string For)> Prometheus = ReadAlerts();

    public static TheoryData<string> PanelRules => [.. Panel.Select(r => r.Name)];

    [Fact]
    public void Every_prometheus_alert_is_a_panel_alert_and_the_other_way_round() =>
        Assert.Equal(Prometheus.Keys.Order(), Panel.Select(r => r.Name).Order());

    [Theory]
    [MemberData(nameof(PanelRules))]
    public void The_expression_is_the_prometheus_rules_with_its_recording_rules_written_out(string name) =>
        Assert.Equal(Normalize(Prometheus[name].Expr), Normalize(Rule(name).Expression));

    [Theory]
    [MemberData(nameof(PanelRules))]
    public void The_hold_time_is_the_prometheus_rules(string name) =>
        Assert.Equal(Duration(Prometheus[name].For), Rule(name).For);

    [Theory]
    [MemberData(nameof(PanelRules))]
    public void The_window_is_the_range_in_the_prometheus_expression(string name)
    {
        var ranges = RangeSelector().Matches(Prometheus[name].Expr).Select(m => Duration(m.Groups["range"].Value)).Distinct().ToList();

        Assert.Equal(ranges.Count == 0 ? [TimeSpan.Zero] : ranges, [Rule(name).Window]);
    }

    [Fact]
    public void The_defaults_in_code_are_the_configured_thresholds()
    {
        var defaults = new AlertEvaluator(Options.Create(new AlertThresholdOptions())).Rules;

        Assert.Equal(Panel.Select(r => (r.Name, r.Threshold)), defaults.Select(r => (r.Name, r.Threshold)));
    }

    private static AlertRule Rule(string name) => Panel.Single(r => r.Name == name);

    /// <summary>Alert name → expression (recording rules substituted) and `for`.</summary>
    private static Dictionary<string, (string, string)> ReadAlerts()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Root, "deploy", "prometheus", "tomodachi.rules.yml"))));
        var rules = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"])
            .Cast<YamlMappingNode>()
            .SelectMany(group => ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            .ToList();
        var recorded = rules.Where(r => r.Children.ContainsKey("record"))
            .ToDictionary(r => Scalar(r, "record"), r => Scalar(r, "expr"));
        return rules.Where(r => r.Children.ContainsKey("alert")).ToDictionary(
            r => Scalar(r, "alert"),
            r => (recorded.Aggregate(Scalar(r, "expr"), (expr, record) => expr.Replace(record.Key, record.Value)), Scalar(r, "for")));
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static string Normalize(string expression) => Whitespace().Replace(expression, "");

    private static TimeSpan Duration(string text) => text[^1] switch
    {
        's' => TimeSpan.FromSeconds(int.Parse(text[..^1])),
        'm' => TimeSpan.FromMinutes(int.Parse(text[..^1])),
        'h' => TimeSpan.FromHours(int.Parse(text[..^1])),
        _ => throw new FormatException($"unexpected Prometheus duration {text}"),
    };

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tomodachi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Tomodachi.sln not found above the test output.");
    }

    [GeneratedRegex(@"\[(?<range>\d+[smh])\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
