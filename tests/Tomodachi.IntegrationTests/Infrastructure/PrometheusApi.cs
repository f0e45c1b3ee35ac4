using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>Queries the suite's real Prometheus over its HTTP API.</summary>
public sealed class PrometheusApi(HttpClient http)
{
    public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>One scraped value and the time Prometheus stored it at (Unix seconds).</summary>
    public sealed record Point(double At, double Value);

    public async Task<IReadOnlyList<Sample>> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}", cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus rejected `{promql}`: {body}");
        }

        var result = body.GetProperty("data").GetProperty("result");
        return body.GetProperty("data").GetProperty("resultType").GetString() == "vector"
            ? [.. result.EnumerateArray().Select(ToSample)]
            : [];
    }

    /// <summary>The raw points of one series selected with a range, e.g. <c>up{job="web"}[1m]</c>, oldest first.</summary>
    public async Task<IReadOnlyList<Point>> PointsAsync(string rangeSelector, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(rangeSelector)}", cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (body.GetProperty("status").GetString() != "success" || body.GetProperty("data").GetProperty("resultType").GetString() != "matrix")
        {
            throw new InvalidOperationException($"`{rangeSelector}` is not a range selector Prometheus accepts: {body}");
        }

        var series = body.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
        return series.Count switch
        {
            0 => [],
            1 => [.. series[0].GetProperty("values").EnumerateArray().Select(v =>
                new Point(v[0].GetDouble(), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))],
            _ => throw new InvalidOperationException($"`{rangeSelector}` selects {series.Count} series; select one."),
        };
    }

    /// <summary>The sum over all series of a query, or null while Prometheus has none.</summary>
    public async Task<double?> ScalarAsync(string promql, CancellationToken cancellationToken)
    {
        var samples = await QueryAsync(promql, cancellationToken);
        return samples.Count == 0 ? null : samples.Sum(s => s.Value);
    }

    /// <summary>Polls (bounded by the token) until the query has a value that satisfies the condition.</summary>
    public async Task<double> WaitForAsync(string promql, Func<double, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var value = await ScalarAsync(promql, cancellationToken);
            if (value is { } v && condition(v))
            {
                return v;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>
    /// Polls (bounded by the token) until two readings a scrape interval and more apart agree, so a figure taken as a
    /// baseline already holds what earlier tests recorded.
    /// </summary>
    public async Task<double> SettledAsync(string promql, TimeSpan scrapeInterval, CancellationToken cancellationToken)
    {
        var last = await ScalarAsync(promql, cancellationToken) ?? 0;
        while (true)
        {
            await Task.Delay(scrapeInterval + TimeSpan.FromSeconds(1), cancellationToken);
            var now = await ScalarAsync(promql, cancellationToken) ?? 0;
            if (now == last)
            {
                return now;
            }

            last = now;
        }
    }

    private static Sample ToSample(JsonElement element) => new(
        element.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
        double.Parse(element.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));
}
