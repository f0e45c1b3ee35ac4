using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Tomodachi.AppHost.Supervision;

namespace Tomodachi.AppHost.Tests.Supervision;

public sealed class SupervisionTelemetryTests
{
    [Fact]
    public void The_instruments_sent_to_the_dashboard_read_the_ledger_that_Prometheus_reads()
    {
        var ledger = new RestartLedger();
        ledger.Track("memory");
        ledger.Track("knob");
        var at = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        ledger.RecordRestart("memory", at);
        ledger.RecordRestart("memory", at.AddSeconds(2));
        ledger.RecordExit("knob", at, 3, "boom", SupervisedStates.CrashLooping);
        using var telemetry = new SupervisionTelemetry(ledger, new ConfigurationBuilder().Build());
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SupervisionTelemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen[$"{instrument.Name}/{tags[0].Value}"] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => seen[$"{instrument.Name}/{tags[0].Value}"] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(2, seen["tomodachi.service.restarts/memory"]);
        Assert.Equal(0, seen["tomodachi.service.restarts/knob"]);
        Assert.Equal(1, seen["tomodachi.service.crash_looping/knob"]);
        Assert.Equal(0, seen["tomodachi.service.crash_looping/memory"]);
    }
}
