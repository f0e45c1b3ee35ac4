namespace Tomodachi.LoadRun;

/// <summary>One service process's resident memory, read from /proc/&lt;pid&gt;/status (VmRSS).</summary>
public sealed record ServiceRss(string Service, int Pid, long RssBytes);

/// <summary>
/// Finds each service's process by its command line (its executable or dll, built from this repository) and reads
/// its resident set size from the kernel: no estimate, and the same figure the inference service reports for itself.
/// </summary>
public static class ServiceMemory
{
    public static readonly string[] Services = ["Inference", "Memory", "Knob", "Gateway", "Web"];

    public static IReadOnlyList<ServiceRss> Read(string repositoryRoot)
    {
        var found = new List<ServiceRss>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || ReadOrNull(Path.Combine(directory, "cmdline")) is not { } cmdline)
            {
                continue;
            }

            var arguments = cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var service = Services.FirstOrDefault(name => arguments.Take(2).Any(a =>
                a.StartsWith(repositoryRoot, StringComparison.Ordinal)
                && (a.EndsWith($"/Tomodachi.{name}", StringComparison.Ordinal) || a.EndsWith($"/Tomodachi.{name}.dll", StringComparison.Ordinal))));
            if (service is not null && RssOf(directory) is { } rss)
            {
                found.Add(new ServiceRss(service, pid, rss));
            }
        }

        return [.. found.OrderBy(s => Array.IndexOf(Services, s.Service))];
    }

    private static long? RssOf(string processDirectory)
    {
        var line = ReadOrNull(Path.Combine(processDirectory, "status"))?.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        // "VmRSS:    123456 kB"
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    // A process may end between listing /proc and reading it.
    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
