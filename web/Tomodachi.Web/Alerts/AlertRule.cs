namespace Tomodachi.Web.Alerts;

/// <summary>Which side of the threshold breaches it.</summary>
public enum AlertComparison
{
    Above,
    Below,
}

/// <summary>
/// One alert as the panel evaluates it, the twin of the Prometheus rule named <see cref="Name"/>: a value measured over
/// <see cref="Window"/> that breaches <see cref="Threshold"/> at every evaluation for <see cref="For"/> fires.
/// <see cref="Expression"/> is the rule's PromQL with its recording rules written out; a test compares it, the
/// window, the hold time and the threshold with deploy/prometheus/tomodachi.rules.yml.
/// </summary>
public sealed record AlertRule(
    string Name,
    string Kind,
    string Expression,
    TimeSpan Window,
    TimeSpan For,
    double Threshold,
    AlertComparison Comparison,
    Func<AlertInputs, DateTimeOffset, TimeSpan, double?> Measure,
    Func<double, string> Describe)
{
    public bool IsBreachedBy(double value) => Comparison == AlertComparison.Above ? value > Threshold : value < Threshold;
}

/// <summary>A firing alert: the rule's name (as Prometheus names it), its kind and what it observed.</summary>
public sealed record Alert(string Name, string Kind, string Message);
