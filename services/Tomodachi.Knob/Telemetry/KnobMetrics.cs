using System.Diagnostics.Metrics;

namespace Tomodachi.Knob.Telemetry;

/// <summary>
/// The knob's instruments on the <c>Tomodachi.Knob</c> meter (exported to the dashboard and to Prometheus by
/// ServiceDefaults): presses, rotation steps by direction, edge-to-event latency, dropped events, watchers.
/// </summary>
public sealed class KnobMetrics
{
    public const string MeterName = "Tomodachi.Knob";

    /// <summary>Edges become events in microseconds; the buckets resolve that range and still catch a stalled host.</summary>
    private static readonly double[] LatencyBucketsSeconds =
        [0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1];

    private readonly Counter<long> _presses;
    private readonly Counter<long> _rotationSteps;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _dropped;
    private readonly UpDownCounter<long> _watchers;

    public KnobMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _presses = meter.CreateCounter<long>("tomodachi.knob.presses", "{press}",
            "Button presses that passed the debounce.");
        _rotationSteps = meter.CreateCounter<long>("tomodachi.knob.rotation.steps", "{step}",
            "Encoder detents turned; attribute direction is clockwise or counterclockwise.");
        _latency = meter.CreateHistogram("tomodachi.knob.event.latency", "s",
            "Time from a pin edge reaching the service to its event being in every watcher's buffer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsSeconds });
        _dropped = meter.CreateCounter<long>("tomodachi.knob.events.dropped", "{event}",
            "Events dropped from the buffer of a watcher that did not keep up.");
        _watchers = meter.CreateUpDownCounter<long>("tomodachi.knob.watchers", "{watcher}",
            "WatchEvents streams open now.");
    }

    public void Pressed() => _presses.Add(1);

    public void Rotated(int delta) =>
        _rotationSteps.Add(Math.Abs(delta), new KeyValuePair<string, object?>("direction", delta > 0 ? "clockwise" : "counterclockwise"));

    public void EdgeToEvent(TimeSpan latency) => _latency.Record(latency.TotalSeconds);

    public void EventDropped() => _dropped.Add(1);

    public void WatcherStarted() => _watchers.Add(1);

    public void WatcherStopped() => _watchers.Add(-1);
}
