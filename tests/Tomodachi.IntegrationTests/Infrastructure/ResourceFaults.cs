using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>
/// Breaks a running resource the way the world would — SIGKILL of its real processes, SIGSTOP for a process that
/// hangs, the dashboard's stop — and brings it back: a stopped one through the AppHost's own start command, a killed
/// one by waiting for the AppHost's supervisor to start it again. Shared, as a linked
/// file, by the end-to-end tests.
/// </summary>
/// <remarks>
/// DCP runs a project as `dotnet run`, with the service as its child. Every fault here waits until both processes
/// are gone, not only for the resource's state: a service still running after its `dotnet run` has gone holds the
/// fixed ports, and the next start could never become healthy.
/// </remarks>
public static class ResourceFaults
{
    /// <summary>Freezes the resource's processes: their sockets stay open, but nothing answers.</summary>
    public static async Task FreezeAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        foreach (var pid in ProcessTree.Of(await ProcessIdAsync(app, resource, cancellationToken)))
        {
            await SignalAsync(pid, "STOP", cancellationToken);
        }
    }

    /// <summary>
    /// SIGKILL for the resource's processes: no shutdown code runs. Returns once they are gone and the AppHost has
    /// seen it (the resource is down, or the supervisor is already starting it again).
    /// </summary>
    public static async Task KillAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        if (IsTerminal(app, resource))
        {
            return;
        }

        var root = await ProcessIdAsync(app, resource, cancellationToken);
        var processes = ProcessTree.Of(root);
        // The service first, so it is never left running without its `dotnet run`.
        foreach (var pid in processes.Reverse())
        {
            await SignalAsync(pid, "KILL", cancellationToken);
        }

        await ProcessTree.WaitForExitAsync(processes, cancellationToken);
        // Down, or already on its way back: the AppHost's supervisor starts a killed service again after a second.
        await app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text is { } state
            && (KnownResourceStates.TerminalStates.Contains(state)
                || state == KnownResourceStates.Starting
                || (state == KnownResourceStates.Running && Pid(e) is { } pid && pid != root)), cancellationToken);
    }

    /// <summary>
    /// The AppHost's stop command, as the dashboard's ■ sends it: DCP asks the process to stop (SIGTERM) and waits
    /// for it to exit. Returns once the service's processes have exited.
    /// </summary>
    public static async Task StopAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        var processes = ProcessTree.Of(await ProcessIdAsync(app, resource, cancellationToken));
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(result.Success, $"stopping {resource} failed: {result.Message}");
        await ProcessTree.WaitForExitAsync(processes, cancellationToken);
        await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, cancellationToken);
    }

    /// <summary>The AppHost's start command, as the dashboard's ▶ sends it, then waits for health.</summary>
    public static async Task StartAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        if (IsTerminal(app, resource))
        {
            var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
            Assert.True(result.Success, $"starting {resource} failed: {result.Message}");
        }

        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    /// <summary>
    /// Waits until the resource is healthy again after a kill, however long it is down meanwhile: the AppHost's
    /// supervisor starts it again by itself (a plain health wait gives up as soon as it sees the resource down).
    /// </summary>
    public static Task WaitForRestartAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken) =>
        app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);

    private static bool IsTerminal(DistributedApplication app, string resource) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var current)
        && current.Snapshot.State?.Text is { } state
        && KnownResourceStates.TerminalStates.Contains(state);

    /// <summary>The `dotnet run` process DCP started for the resource.</summary>
    public static async Task<int> ProcessIdAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        var running = await app.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && Pid(e) is not null, cancellationToken);
        return Pid(running)!.Value;
    }

    private static int? Pid(ResourceEvent resourceEvent) =>
        resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;

    private static async Task SignalAsync(int pid, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync(cancellationToken);
    }
}
