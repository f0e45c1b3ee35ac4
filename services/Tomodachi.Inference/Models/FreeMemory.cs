namespace Tomodachi.Inference.Models;

/// <summary>How much memory the process could still take without pushing anything out.</summary>
public interface IFreeMemory
{
    /// <summary>Bytes available, or null when this system does not say.</summary>
    long? AvailableBytes();
}

/// <summary>
/// Linux's own estimate (MemAvailable in /proc/meminfo: free memory plus what the page cache would give back), capped
/// by the cgroup's limit when the service runs in a container.
/// </summary>
public sealed class SystemFreeMemory : IFreeMemory
{
    public long? AvailableBytes()
    {
        var system = MemAvailable();
        return CgroupHeadroom() is long headroom && (system is null || headroom < system) ? headroom : system;
    }

    private static long? MemAvailable()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var kilobytes, "kB"] && long.TryParse(kilobytes, out var kb) ? kb * 1024 : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? CgroupHeadroom()
    {
        try
        {
            return long.TryParse(File.ReadAllText("/sys/fs/cgroup/memory.max").Trim(), out var max)
                && long.TryParse(File.ReadAllText("/sys/fs/cgroup/memory.current").Trim(), out var current)
                ? Math.Max(0, max - current)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
