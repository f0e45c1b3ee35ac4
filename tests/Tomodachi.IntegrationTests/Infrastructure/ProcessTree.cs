using System.Globalization;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>Processes as Linux shows them in /proc. Shared, as a linked file, by the end-to-end tests.</summary>
public static class ProcessTree
{
    /// <summary>The process and its descendants, parents first.</summary>
    public static IReadOnlyList<int> Of(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } stat)
            {
                parents[pid] = stat.Parent;
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    /// <summary>Waits until every one of the processes has exited (a zombie has: only its parent has not looked yet).</summary>
    public static async Task WaitForExitAsync(IEnumerable<int> processes, CancellationToken cancellationToken)
    {
        foreach (var pid in processes)
        {
            while (Stat(pid) is { State: not 'Z' })
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process has ended (or ended while we read).
            return null;
        }
    }
}
