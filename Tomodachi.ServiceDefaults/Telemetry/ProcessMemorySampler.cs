using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>One reading of this process's memory and the moment it was read.</summary>
public sealed record ProcessMemorySample(ulong RssBytes, ulong VmsBytes, int ProcessId, DateTimeOffset SampledAt);

/// <summary>
/// The one reader of this process's memory. It reads resident and virtual size from /proc/self/status (the kernel's
/// own figures; <see cref="Process"/> where /proc does not exist) once every
/// <see cref="ProcessMemoryOptions.SampleInterval"/>, and everything that shows them — process.memory.usage and
/// process.memory.virtual on /metrics and over OTLP, the inference status stream and the web panel — shows that
/// sample and its time instead of reading again, so two views of one moment cannot disagree.
/// </summary>
public sealed class ProcessMemorySampler : BackgroundService
{
    /// <summary>The meter of the gauges that report the samples.</summary>
    public const string MeterName = "Tomodachi.Process";

    private const string StatusPath = "/proc/self/status";

    private readonly TimeProvider time;
    private readonly TimeSpan interval;
    private ProcessMemorySample current;

    public ProcessMemorySampler(TimeProvider time, IOptions<ProcessMemoryOptions> options, IMeterFactory meters)
    {
        this.time = time;
        interval = options.Value.SampleInterval;
        current = Read();
        // The gauges report the latest sample; a collection never reads the process itself.
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("process.memory.usage", () => (long)Current.RssBytes, "By",
            "Resident memory of the process at the latest sample.");
        meter.CreateObservableGauge("process.memory.virtual", () => (long)Current.VmsBytes, "By",
            "Virtual memory of the process at the latest sample.");
        meter.CreateObservableGauge("tomodachi.process.memory.sample_time", () => Current.SampledAt.ToUnixTimeMilliseconds() / 1000.0, "s",
            "When the memory sample reported beside it was read (Unix time), to match it with the Status panel's.");
    }

    /// <summary>The latest sample.</summary>
    public ProcessMemorySample Current => Volatile.Read(ref current);

    /// <summary>Raised on the sampler's thread after every new sample.</summary>
    public event Action<ProcessMemorySample>? Sampled;

    /// <summary>
    /// Reads now, outside the period, and makes the reading the current sample: for figures that belong to an event
    /// (RSS before and after unloading a model), which every view then shows too.
    /// </summary>
    public ProcessMemorySample SampleNow()
    {
        var sample = Read();
        Volatile.Write(ref current, sample);
        Sampled?.Invoke(sample);
        return sample;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                SampleNow();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private ProcessMemorySample Read()
    {
        if (File.Exists(StatusPath))
        {
            ulong rss = 0, vms = 0;
            foreach (var line in File.ReadLines(StatusPath))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmSize:", StringComparison.Ordinal))
                {
                    vms = Kilobytes(line);
                }
            }

            return new ProcessMemorySample(rss, vms, Environment.ProcessId, time.GetUtcNow());
        }

        using var process = Process.GetCurrentProcess();
        return new ProcessMemorySample((ulong)process.WorkingSet64, (ulong)process.VirtualMemorySize64, process.Id, time.GetUtcNow());
    }

    // Lines look like "VmRSS:	  123456 kB".
    private static ulong Kilobytes(string line) =>
        ulong.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim()) * 1024;
}
