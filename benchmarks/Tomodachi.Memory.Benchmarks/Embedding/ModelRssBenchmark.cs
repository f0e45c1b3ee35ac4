using System.Diagnostics;
using System.Globalization;
using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Benchmarks.Embedding;

/// <summary>
/// Resident memory a sentence model costs: a fresh child process per model reads its RSS, loads the model, embeds one
/// batch, and reads it again, so nothing else this process did is counted.
/// </summary>
internal static class ModelRssBenchmark
{
    public static async Task RunAsync()
    {
        Console.WriteLine("| model | load ms | RSS before MB | RSS after load + one batch MB | load average |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var model in SentenceModel.Packaged)
        {
            var self = Environment.ProcessPath!;
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
            }

            start.ArgumentList.Add("rss-child");
            start.ArgumentList.Add(model.Id);
            using var child = Process.Start(start)!;
            Console.WriteLine((await child.StandardOutput.ReadToEndAsync()).Trim());
            await child.WaitForExitAsync();
        }
    }

    public static async Task ChildAsync(string modelId)
    {
        var model = SentenceModel.Find(modelId)!;
        var before = Rss();
        var watch = Stopwatch.StartNew();
        using var embedder = BenchmarkEmbedders.Load(model, threads: 0);
        var loadMs = watch.Elapsed.TotalMilliseconds;
        await embedder.EmbedAsync(Enumerable.Range(0, 32).Select(i => $"a chat line number {i} about the weekend and the weather").ToList(), EmbeddingKind.Document, default);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| `{embedder.Name}` | {loadMs:F0} | {before:F0} | {Rss():F0} | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} |"));
    }

    private static double Rss() => Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
}
