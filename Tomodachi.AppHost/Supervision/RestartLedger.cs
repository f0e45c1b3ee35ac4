namespace Tomodachi.AppHost.Supervision;

/// <summary>Where a supervised service stands, as the supervisor last saw it.</summary>
public static class SupervisedStates
{
    public const string Running = "running";
    public const string Starting = "starting";
    /// <summary>Exited without being asked to; the supervisor starts it after its backoff.</summary>
    public const string Restarting = "restarting";
    /// <summary>Failed too often within the window: stays down until someone starts it.</summary>
    public const string CrashLooping = "crash-looping";
    /// <summary>Stopped because someone asked (the dashboard's Stop): stays down.</summary>
    public const string Stopped = "stopped";
}

/// <summary>One service's restarts: what <c>/restarts</c> lists and <c>/metrics</c> counts.</summary>
/// <param name="Restarts">Starts the supervisor made after unasked-for exits, since the AppHost started.</param>
/// <param name="LastRestartAt">When the supervisor last started it again.</param>
/// <param name="LastExitAt">When it last exited without being asked to.</param>
/// <param name="LastExitCode">That exit's code, when the process reported one.</param>
/// <param name="LastError">The last error line it wrote before that exit (stack frames skipped).</param>
public sealed record ServiceRestarts(
    string Service,
    long Restarts,
    string State,
    DateTimeOffset? LastRestartAt,
    DateTimeOffset? LastExitAt,
    int? LastExitCode,
    string? LastError);

/// <summary>
/// The supervisor's record of every supervised service. It lives in the AppHost, so a restart of the gateway or
/// web does not reset it; it is lost (and restarts from zero, as a Prometheus counter may) when the AppHost ends.
/// </summary>
public sealed class RestartLedger
{
    private readonly Dictionary<string, ServiceRestarts> services = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock gate = new();

    /// <summary>Lists the service from the start, so its counter reads 0 rather than missing before a first restart.</summary>
    public void Track(string service) => Update(service, current => current);

    public void SetState(string service, string state) => Update(service, current => current with { State = state });

    public void RecordExit(string service, DateTimeOffset at, int? exitCode, string? lastError, string state) =>
        Update(service, current => current with { State = state, LastExitAt = at, LastExitCode = exitCode, LastError = lastError });

    public void RecordRestart(string service, DateTimeOffset at) =>
        Update(service, current => current with { Restarts = current.Restarts + 1, LastRestartAt = at });

    public ServiceRestarts? Get(string service)
    {
        lock (gate)
        {
            return services.GetValueOrDefault(service);
        }
    }

    public IReadOnlyList<ServiceRestarts> Snapshot()
    {
        lock (gate)
        {
            return [.. services.Values.OrderBy(s => s.Service, StringComparer.Ordinal)];
        }
    }

    private void Update(string service, Func<ServiceRestarts, ServiceRestarts> change)
    {
        lock (gate)
        {
            var current = services.GetValueOrDefault(service) ?? new ServiceRestarts(service, 0, SupervisedStates.Starting, null, null, null, null);
            services[service] = change(current);
        }
    }
}
