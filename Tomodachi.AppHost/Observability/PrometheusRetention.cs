using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Tomodachi.AppHost.Observability;

/// <summary>
/// How long the local Prometheus keeps its history (numbers only, no text): <c>Prometheus:Retention:Time</c>, a
/// Prometheus duration such as <c>15d</c> or <c>12w</c> (default <see cref="DefaultTime"/>, Prometheus's own default), and
/// <c>Prometheus:Retention:Size</c>, a size such as <c>512MB</c> or <c>2GB</c> (default none). Whichever limit is reached
/// first applies. Set them in the AppHost's configuration, e.g. <c>Prometheus__Retention__Time=30d</c>.
/// </summary>
public sealed partial record PrometheusRetention(string Time, string Size)
{
    public const string TimeKey = "Prometheus:Retention:Time";
    public const string SizeKey = "Prometheus:Retention:Size";
    public const string DefaultTime = "15d";

    /// <summary>The settings from configuration; a value Prometheus would not accept stops the AppHost naming the setting.</summary>
    /// <exception cref="InvalidOperationException">A value is not a Prometheus duration or size.</exception>
    public static PrometheusRetention From(IConfiguration configuration)
    {
        var time = configuration[TimeKey] is { Length: > 0 } configuredTime ? configuredTime.Trim() : DefaultTime;
        var size = configuration[SizeKey]?.Trim() ?? "";
        if (!DurationPattern().IsMatch(time) || time.All(c => c == '0' || !char.IsAsciiDigit(c)))
        {
            throw new InvalidOperationException(
                $"{TimeKey} must be a Prometheus duration above zero such as 15d, 12w or 1y; it is '{time}'.");
        }

        if (size.Length > 0 && (!SizePattern().IsMatch(size) || size.TakeWhile(char.IsAsciiDigit).All(c => c == '0')))
        {
            throw new InvalidOperationException(
                $"{SizeKey} must be a size above zero such as 512MB or 2GB, or empty for no size limit; it is '{size}'.");
        }

        return new PrometheusRetention(time, size);
    }

    /// <summary>Prometheus's command-line arguments for these limits.</summary>
    public IEnumerable<string> Arguments() => Size.Length > 0
        ? [$"--storage.tsdb.retention.time={Time}", $"--storage.tsdb.retention.size={Size}"]
        : [$"--storage.tsdb.retention.time={Time}"];

    // Prometheus's duration syntax: units largest first, each at most once.
    [GeneratedRegex(@"^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\d+(B|KB|MB|GB|TB|PB|EB)$")]
    private static partial Regex SizePattern();
}
