using Tomodachi.AppHost.Supervision;

namespace Tomodachi.AppHost.Tests.Supervision;

public sealed class RestartsEndpointTests
{
    [Fact]
    public void Metrics_list_every_supervised_service_with_its_restarts_and_whether_it_crash_loops()
    {
        var ledger = new RestartLedger();
        ledger.Track("memory");
        ledger.Track("knob");
        var at = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        ledger.RecordExit("memory", at, -1, null, SupervisedStates.Restarting);
        ledger.RecordRestart("memory", at.AddSeconds(1));
        ledger.RecordExit("knob", at, 3, "boom", SupervisedStates.CrashLooping);

        var text = RestartsEndpoint.PrometheusText(ledger.Snapshot());

        Assert.Equal("""
            # HELP tomodachi_service_restarts_total Starts the AppHost's supervisor made after the service exited without being asked to.
            # TYPE tomodachi_service_restarts_total counter
            tomodachi_service_restarts_total{service="knob"} 0
            tomodachi_service_restarts_total{service="memory"} 1
            # HELP tomodachi_service_crash_looping 1 while the supervisor has given up on the service after too many failures, else 0.
            # TYPE tomodachi_service_crash_looping gauge
            tomodachi_service_crash_looping{service="knob"} 1
            tomodachi_service_crash_looping{service="memory"} 0

            """.ReplaceLineEndings("\n"), text);
    }
}
