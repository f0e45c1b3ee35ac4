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

    /// <summary>What each thread name spent between two readings.</summary>
    public static Dictionary<string, long> Since(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.ToDictionary(pair => pair.Key, pair => pair.Value - before.GetValueOrDefault(pair.Key));
}
