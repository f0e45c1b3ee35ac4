using Microsoft.Extensions.Options;

namespace Tomodachi.Web.Alerts;

/// <summary>
/// Evaluates the rules as Prometheus does: at each evaluation a rule whose value breaches its threshold becomes
/// active (pending) at that time, and fires once it has been active for its hold time; a rule without a value or
/// within its threshold is inactive again.
/// </summary>
public sealed class AlertEvaluator(IOptions<AlertThresholdOptions> options)
{
    private readonly Dictionary<string, DateTimeOffset> activeSince = [];
    private readonly Lock gate = new();

    public IReadOnlyList<AlertRule> Rules { get; } = AlertRules.From(options.Value);

    /// <summary>The alerts firing after this evaluation, in the rules' order.</summary>
    public IReadOnlyList<Alert> Evaluate(AlertInputs inputs, DateTimeOffset now)
    {
        var firing = new List<Alert>();
        lock (gate)
        {
            foreach (var rule in Rules)
            {
                if (rule.Measure(inputs, now, rule.Window) is not { } value || !rule.IsBreachedBy(value))
                {
                    activeSince.Remove(rule.Name);
                    continue;
                }

                var since = activeSince.TryGetValue(rule.Name, out var at) ? at : activeSince[rule.Name] = now;
                if (now - since >= rule.For)
                {
                    firing.Add(new Alert(rule.Name, rule.Kind, rule.Describe(value)));
                }
            }
        }

        return firing;
    }
}
