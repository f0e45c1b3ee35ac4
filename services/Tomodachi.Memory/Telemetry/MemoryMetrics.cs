using System.Diagnostics.Metrics;
using Tomodachi.Memory.Memories;

namespace Tomodachi.Memory.Telemetry;

/// <summary>
/// The Meter "Tomodachi.Memory": store gauges, a store counter and a search-duration histogram, each tagged
/// with the backend. The gauges read the latest stats the <see cref="MemoryBank"/> reported, because an
/// observable callback must not wait for a remote store.
/// </summary>
public sealed class MemoryMetrics
{
    private static readonly double[] SearchBucketsSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly Counter<long> stored;
    private readonly Histogram<double> searchDuration;
    private readonly TimeProvider time;
    private volatile MemoryBankStats? latest;

    public MemoryMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        this.time = time;
        var meter = meterFactory.Create(Extensions.MemoryExtensions.TelemetrySourceName);
        stored = meter.CreateCounter<long>("tomodachi.memory.stored", "{memory}", "Memories stored (Store, StoreBatch and Import).");
        searchDuration = meter.CreateHistogram("tomodachi.memory.search.duration", "s", "Time to embed a query and search the store.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SearchBucketsSeconds });
        // "memories" rather than "count": Prometheus reserves the _count suffix for histograms.
        meter.CreateObservableGauge("tomodachi.memory.memories", () => Observe(s => (double)s.Figures.Count), "{memory}",
            "Memories in the store.");
        meter.CreateObservableGauge("tomodachi.memory.size", () => Observe(s => (double)s.Figures.SizeBytes), "By",
            "Storage size of the store (database + WAL for the embedded store, an estimate for Qdrant).");
        meter.CreateObservableGauge("tomodachi.memory.oldest.age", ObserveOldestAge, "s",
            "Age of the oldest memory.");
    }

    public void Report(MemoryBankStats stats) => latest = stats;

    public void RecordStored(string backend, int count) => stored.Add(count, Tag(backend));

    public void RecordSearch(string backend, TimeSpan elapsed) => searchDuration.Record(elapsed.TotalSeconds, Tag(backend));

    private IEnumerable<Measurement<double>> Observe(Func<MemoryBankStats, double> value) =>
        latest is { } stats ? [new Measurement<double>(value(stats), Tag(stats.Backend))] : [];

    private IEnumerable<Measurement<double>> ObserveOldestAge() =>
        latest is { Figures.Oldest: { } oldest } stats
            ? [new Measurement<double>(Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds), Tag(stats.Backend))]
            : [];

    private static KeyValuePair<string, object?> Tag(string backend) => new("backend", backend);
}
