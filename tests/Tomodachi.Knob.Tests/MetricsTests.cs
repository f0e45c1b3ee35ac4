using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Knob.Events;
using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Tests;

/// <summary>
/// The Tomodachi.Knob meter as Prometheus scrapes it from /metrics. OpenTelemetry listens to meters by name across the
/// process, so this runs alone: another test's host would add its events to these counts.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
[Collection(nameof(MetricsTests))]
public sealed class MetricsTests
{
    [Fact]
    public async Task Presses_rotations_latency_and_dropped_events_are_exported()
    {
        await using var knob = KnobHost.Start(new Dictionary<string, string?> { ["Knob:WatcherBufferSize"] = "1" });
        using var neverRead = knob.Services.GetRequiredService<KnobEventHub>().Subscribe();

        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Click });
        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = 3 });
        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = -1 });

        using var http = knob.CreateHttpClient();
        var lines = (await http.GetStringAsync("/metrics")).Split('\n');

        // 6 events reached a watcher whose buffer holds 1: 5 were dropped.
        Assert.Equal(1, Sample(lines, "tomodachi_knob_presses_total"));
        Assert.Equal(3, Sample(lines, "tomodachi_knob_rotation_steps_total", "direction=\"clockwise\""));
        Assert.Equal(1, Sample(lines, "tomodachi_knob_rotation_steps_total", "direction=\"counterclockwise\""));
        Assert.Equal(6, Sample(lines, "tomodachi_knob_event_latency_seconds_count"));
        Assert.Equal(5, Sample(lines, "tomodachi_knob_events_dropped_total"));
        Assert.Equal(1, Sample(lines, "tomodachi_knob_watchers"));
    }

    private static double Sample(string[] lines, string name, string label = "")
    {
        var line = Assert.Single(lines, l => (l.StartsWith(name + " ") || l.StartsWith(name + "{")) && l.Contains(label));
        return double.Parse(line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : name.Length)..].Trim().Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
    }
}
