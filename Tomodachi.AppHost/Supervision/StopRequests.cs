using System.Collections.Concurrent;

namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// Services someone asked to stop (the dashboard's Stop or Restart command): their next exit is the one they asked
/// for and is never undone.
/// </summary>
public sealed class StopRequests
{
    private readonly ConcurrentDictionary<string, bool> requested = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string resource) => requested[resource] = true;

    /// <summary>True once per request: the exit it explains.</summary>
    public bool TryConsume(string resource) => requested.TryRemove(resource, out _);
}
