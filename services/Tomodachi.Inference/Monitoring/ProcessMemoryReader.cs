using System.Diagnostics;

namespace Tomodachi.Inference.Monitoring;

/// <summary>A reading of this process's memory.</summary>
public sealed record ProcessMemoryReading(ulong RssBytes, ulong VmsBytes, int ProcessId);

/// <summary>Reads resident and virtual size from /proc/self/status (the kernel's own figures), or from
/// <see cref="Process"/> where /proc does not exist.</summary>
public static class ProcessMemoryReader
{
    private const string StatusPath = "/proc/self/status";

    public static ProcessMemoryReading Read()
    {
        if (File.Exists(StatusPath))
        {
            ulong rss = 0, vms = 0;
            foreach (var line in File.ReadLines(StatusPath))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmSize:", StringComparison.Ordinal))
                {
                    vms = Kilobytes(line);
                }
            }

            return new ProcessMemoryReading(rss, vms, Environment.ProcessId);
        }

        using var process = Process.GetCurrentProcess();
        return new ProcessMemoryReading((ulong)process.WorkingSet64, (ulong)process.VirtualMemorySize64, process.Id);
    }

    // Lines look like "VmRSS:	  123456 kB".
    private static ulong Kilobytes(string line) =>
        ulong.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim()) * 1024;
}
