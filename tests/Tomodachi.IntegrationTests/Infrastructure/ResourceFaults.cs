using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>
/// Stops a running resource (falling back to SIGKILL of its real process) and brings it back through the AppHost's
/// own commands. Shared, as a linked file, by the end-to-end tests.
/// </summary>
public static class ResourceFaults
{
    /// <summary>SIGKILL for the resource's processes (DCP may start a project through a launcher): no shutdown code runs.</summary>
    public static async Task KillAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        if (IsTerminal(app, resource))
        {
            return;
        }

        foreach (var pid in ProcessTree(await ProcessIdAsync(app, resource, cancellationToken)).Reverse())
        {
            await SignalAsync(pid, "KILL", cancellationToken);
        }

        await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, cancellationToken);
    }

    /// <summary>
    /// The AppHost's stop command (a graceful stop). DCP gives a process a few seconds to exit; when that is not
    /// enough on a loaded machine the command fails and the process is killed, so the resource is down either way.
    /// </summary>
    public static async Task StopAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        if (!result.Success)
        {
            await app.KillAsync(resource, cancellationToken);
        }

        await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, cancellationToken);
    }

    /// <summary>The AppHost's start command, as the dashboard's button would send it, then waits for health.</summary>
    public static async Task StartAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        if (IsTerminal(app, resource))
        {
            var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
            Assert.True(result.Success, $"starting {resource} failed: {result.Message}");
        }

        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    private static bool IsTerminal(DistributedApplication app, string resource) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var current)
        && current.Snapshot.State?.Text is { } state
        && KnownResourceStates.TerminalStates.Contains(state);

    private static async Task<int> ProcessIdAsync(DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        // A resource whose stop failed is no longer Running, but its process may still be there.
        if (app.ResourceNotifications.TryGetCurrentState(resource, out var current) && Pid(current) is { } known)
        {
            return known;
        }

        var running = await app.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && Pid(e) is not null, cancellationToken);
        return Pid(running)!.Value;
    }

    private static int? Pid(ResourceEvent resourceEvent) =>
        resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;

    /// <summary>The process and its descendants, parents first, read from /proc.</summary>
    private static IReadOnlyList<int> ProcessTree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
                var text = File.ReadAllText(stat);
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                parents[int.Parse(Path.GetFileName(Path.GetDirectoryName(stat)!), CultureInfo.InvariantCulture)] =
                    int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // Not a process directory, or the process ended while we looked.
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count && tree.Count < 64; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    private static async Task SignalAsync(int pid, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync(cancellationToken);
    }
}
