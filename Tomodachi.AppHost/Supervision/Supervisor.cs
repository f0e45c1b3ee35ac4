using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// Starts a supervised service again when it exits without being asked to, through the same start command as the
/// dashboard's ▶, after its backoff; gives up and marks it crash-looping after too many failures in the window. An
/// exit someone asked for (the dashboard's Stop or Restart, the AppHost ending on Ctrl+C or SIGTERM) is left alone.
/// </summary>
public sealed partial class Supervisor(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService logs,
    IOptionsMonitor<RestartPolicyOptions> policies,
    RestartLedger ledger,
    StopRequests stops,
    LastErrorLines errors,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<Supervisor> logger) : BackgroundService
{
    /// <summary>The dashboard's state for a service the supervisor gave up on.</summary>
    public const string CrashLoopingState = "Crash-looping";

    public const string RestartsProperty = "supervision.restarts";
    public const string StatusProperty = "supervision.status";

    private readonly Dictionary<string, CrashHistory> histories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock gate = new();

    /// <summary>Forgets a service's failures: someone started it by hand (after a crash loop, say).</summary>
    public void Reset(string service)
    {
        lock (gate)
        {
            if (histories.TryGetValue(service, out var history))
            {
                history.Clear();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var supervised = model.Resources.Where(r => r.HasAnnotationOfType<SupervisedAnnotation>())
            .ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var name in supervised.Keys)
        {
            ledger.Track(name);
            histories[name] = new CrashHistory(policies.Get(name), time);
        }

        var lastStates = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!supervised.TryGetValue(update.Resource.Name, out var resource))
                {
                    continue;
                }

                errors.Follow(update.ResourceId, stoppingToken);
                var state = update.Snapshot.State?.Text;
                var previous = lastStates.GetValueOrDefault(update.ResourceId);
                lastStates[update.ResourceId] = state;
                if (state == previous)
                {
                    continue;
                }

                // No previous state: it started and exited before this loop began watching (a start-up failure can).
                if (IsDown(state) && (previous is null || !IsDown(previous)))
                {
                    await OnExitAsync(resource, update.ResourceId, update.Snapshot.ExitCode, stoppingToken);
                }
                else if (state == KnownResourceStates.Running)
                {
                    ledger.SetState(resource.Name, SupervisedStates.Running);
                }
                else if (IsDown(previous) && !IsDown(state))
                {
                    // Started again, by us or by hand: a stop asked for before this start has had its exit.
                    stops.TryConsume(resource.Name);
                    ledger.SetState(resource.Name, SupervisedStates.Starting);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is ending.
        }
    }

    private async Task OnExitAsync(IResource resource, string resourceId, int? exitCode, CancellationToken cancellationToken)
    {
        var name = resource.Name;
        if (lifetime.ApplicationStopping.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        if (stops.TryConsume(name))
        {
            ledger.SetState(name, SupervisedStates.Stopped);
            Log.StoppedOnRequest(logger, name);
            return;
        }

        var policy = policies.Get(name);
        var lastError = errors.For(resourceId);
        var resourceLog = logs.GetLogger(resourceId);
        if (!policy.Enabled)
        {
            ledger.RecordExit(name, time.GetUtcNow(), exitCode, lastError, SupervisedStates.Stopped);
            return;
        }

        RestartDecision decision;
        lock (gate)
        {
            decision = histories[name].RecordFailure();
        }

        if (decision.CrashLooping)
        {
            ledger.RecordExit(name, time.GetUtcNow(), exitCode, lastError, SupervisedStates.CrashLooping);
            var reason = $"crash-looping: {decision.FailuresInWindow} exits within {policy.FailureWindow}, the last with exit code {exitCode?.ToString() ?? "unknown"}"
                + (lastError is null ? "" : $": {lastError}");
            Log.CrashLooping(logger, name, decision.FailuresInWindow, policy.FailureWindow, exitCode, lastError);
            resourceLog.LogError("Supervisor: {Reason}. It stays down until it is started by hand.", reason);
            await notifications.PublishUpdateAsync(resource, resourceId, s => s with
            {
                State = new ResourceStateSnapshot(CrashLoopingState, KnownResourceStateStyles.Error),
                Properties = WithProperty(s.Properties, StatusProperty, reason),
            });
            return;
        }

        ledger.RecordExit(name, time.GetUtcNow(), exitCode, lastError, SupervisedStates.Restarting);
        Log.Restarting(logger, name, exitCode, decision.Delay, decision.FailuresInWindow, policy.MaxFailures);
        resourceLog.LogWarning(
            "Supervisor: exited without being asked to (exit code {ExitCode}); starting it again in {Delay} (failure {Failures} of {MaxFailures} within {Window}).",
            exitCode, decision.Delay, decision.FailuresInWindow, policy.MaxFailures, policy.FailureWindow);
        await notifications.PublishUpdateAsync(resource, resourceId, s => s with
        {
            Properties = WithProperty(s.Properties, StatusProperty, $"restarting in {decision.Delay} (failure {decision.FailuresInWindow} of {policy.MaxFailures})"),
        });
        _ = RestartLaterAsync(resource, resourceId, decision.Delay, cancellationToken);
    }

    private async Task RestartLaterAsync(IResource resource, string resourceId, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
            // Started by hand meanwhile, or the AppHost is ending: nothing to undo.
            if (lifetime.ApplicationStopping.IsCancellationRequested
                || !notifications.TryGetCurrentState(resourceId, out var current)
                || !IsDown(current.Snapshot.State?.Text))
            {
                return;
            }

            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
            if (!result.Success)
            {
                // Counts as another failure, so a start that can never succeed ends in a crash loop, not a stall.
                Log.StartFailed(logger, resource.Name, result.Message);
                await OnExitAsync(resource, resourceId, null, cancellationToken);
                return;
            }

            ledger.RecordRestart(resource.Name, time.GetUtcNow());
            var restarts = ledger.Get(resource.Name)?.Restarts ?? 0;
            await notifications.PublishUpdateAsync(resource, resourceId, s => s with
            {
                Properties = WithProperty(WithProperty(s.Properties, RestartsProperty, restarts), StatusProperty, $"restarted {restarts} time(s), last at {time.GetUtcNow():u}"),
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost is ending.
        }
        catch (Exception e)
        {
            Log.RestartThrew(logger, e, resource.Name);
        }
    }

    /// <summary>Exited, finished, failed to start, or given up on by us.</summary>
    private static bool IsDown(string? state) =>
        state is not null && (KnownResourceStates.TerminalStates.Contains(state) || state == CrashLoopingState);

    private static ImmutableArray<ResourcePropertySnapshot> WithProperty(ImmutableArray<ResourcePropertySnapshot> properties, string name, object value) =>
        [.. properties.Where(p => p.Name != name), new ResourcePropertySnapshot(name, value)];

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "{Service} was stopped on request; the supervisor leaves it down.")]
        public static partial void StoppedOnRequest(ILogger logger, string service);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} exited without being asked to (exit code {ExitCode}); starting it again in {Delay} (failure {Failures} of {MaxFailures}).")]
        public static partial void Restarting(ILogger logger, string service, int? exitCode, TimeSpan delay, int failures, int maxFailures);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Service} is crash-looping ({Failures} exits within {Window}, last exit code {ExitCode}: {LastError}); it stays down.")]
        public static partial void CrashLooping(ILogger logger, string service, int failures, TimeSpan window, int? exitCode, string? lastError);

        [LoggerMessage(Level = LogLevel.Error, Message = "Starting {Service} again failed: {Error}")]
        public static partial void StartFailed(ILogger logger, string service, string? error);

        [LoggerMessage(Level = LogLevel.Error, Message = "Restarting {Service} threw.")]
        public static partial void RestartThrew(ILogger logger, Exception exception, string service);
    }
}
