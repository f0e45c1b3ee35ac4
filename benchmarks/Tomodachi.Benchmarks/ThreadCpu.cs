namespace Tomodachi.Benchmarks;

/// <summary>
/// CPU time of a process's threads from /proc/&lt;pid&gt;/task/*/schedstat: nanoseconds on a CPU, exact, unlike the
/// tick-sampled utime/stime — short bursts such as one gRPC write are counted, not missed.
/// </summary>
public static class ThreadCpu
{
    /// <summary>Name of the decode thread (llama.cpp's OpenMP workers inherit it).</summary>
    public const string DecodeThreads = "llama-batch-dec";

    /// <summary>Nanoseconds on a CPU so far, summed per thread name.</summary>
    public static Dictionary<string, long> Read(int processId)
    {
        var byName = new Dictionary<string, long>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
        {
            try
            {
                var nanoseconds = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0]);
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                byName[name] = byName.GetValueOrDefault(name) + nanoseconds;
            }
            catch (IOException)
            {
                // The thread ended between listing and reading; its time is lost either way.
            }
        }

        return byName;
    }

    /// <summary>
    /// Nanoseconds on a CPU of the whole process so far, threads that have ended included (the per-thread readings
    /// lose those: a thread-pool worker that retires between two readings takes its time with it).
    /// /proc/&lt;pid&gt;/stat counts in USER_HZ ticks, 100 a second on Linux.
    /// </summary>
    public static long ReadProcess(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10_000_000;
    }

    /// <summary>What each thread name spent between two readings.</summary>
    public static Dictionary<string, long> Since(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.ToDictionary(pair => pair.Key, pair => pair.Value - before.GetValueOrDefault(pair.Key));
}
