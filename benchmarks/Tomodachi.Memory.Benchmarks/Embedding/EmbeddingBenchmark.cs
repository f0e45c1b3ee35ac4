using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Benchmarks.Embedding;

/// <summary>
/// Speed of the sentence models on this machine, in alternating pairs so both see the same load: one short query at a
/// time, and batches of chat-length texts embedded and stored (what StoreBatch does); then a search over 100,000
/// memories including the query's embedding. Every line carries the load average it was taken under.
/// </summary>
internal static class EmbeddingBenchmark
{
    private const int Queries = 200;
    private const int StoreBatches = 4;
    private const int BatchSize = 500;

    private static readonly string[] Subjects = ["my sister", "the dog", "our neighbour", "my boss", "the kids", "my friend Sam", "the landlord", "my dentist"];
    private static readonly string[] Verbs = ["visited", "called about", "forgot", "loved", "complained about", "booked", "cancelled", "painted"];
    private static readonly string[] Objects = ["the kitchen", "a trip to Porto", "the birthday party", "the new sofa", "the garden", "a concert", "the car", "the rent"];

    public static async Task RunAsync(int threads)
    {
        Console.WriteLine($"{Environment.ProcessorCount} cores, ONNX Runtime intra-op threads {threads}; load average {LoadAverage()} at start");
        var models = SentenceModel.Packaged.Select(m => BenchmarkEmbedders.Load(m, threads)).ToList();
        var random = new Random(5);

        // Warm-up: the first runs allocate ONNX Runtime's buffers for each shape.
        foreach (var model in models)
        {
            await model.EmbedAsync(Texts(random, 64), EmbeddingKind.Document, default);
            await model.EmbedAsync("warm up", default, EmbeddingKind.Query);
        }

        // Wall time counts the waits for a core that other processes hold; CPU time (all threads of this process) does
        // not, so on a busy machine it is the better estimate of what the work itself costs.
        var latencies = models.Select(_ => new List<double>(Queries)).ToList();
        var queryCpu = new double[models.Count];
        for (var q = 0; q < Queries; q++)
        {
            var query = Question(random);
            for (var m = 0; m < models.Count; m++)
            {
                var cpu = Cpu();
                var watch = Stopwatch.StartNew();
                await models[m].EmbedAsync(query, default, EmbeddingKind.Query);
                latencies[m].Add(watch.Elapsed.TotalMilliseconds);
                queryCpu[m] += Cpu() - cpu;
            }
        }

        var stored = new double[models.Count];
        var storedCpu = new double[models.Count];
        for (var round = 0; round < StoreBatches; round++)
        {
            var texts = Texts(random, BatchSize);
            for (var m = 0; m < models.Count; m++)
            {
                var cpu = Cpu();
                stored[m] += await StoreBatchSecondsAsync(models[m], texts);
                storedCpu[m] += Cpu() - cpu;
            }
        }

        Console.WriteLine($"| model | short query p50 ms | p99 ms | CPU ms per query | StoreBatch of {BatchSize} (embed + SQLite), memories/s | CPU ms per memory | load average at end |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var m = 0; m < models.Count; m++)
        {
            latencies[m].Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{models[m].Name}` | {Percentile(latencies[m], 0.5):F1} | {Percentile(latencies[m], 0.99):F1} | {queryCpu[m] / Queries:F1} | {StoreBatches * BatchSize / stored[m]:F0} | {storedCpu[m] / (StoreBatches * BatchSize):F2} | {LoadAverage()} |"));
        }

        await SearchAt100kAsync(models[0], random);
        models.ForEach(m => m.Dispose());
    }

    private static async Task<double> StoreBatchSecondsAsync(IEmbedder model, IReadOnlyList<string> texts)
    {
        var directory = Directory.CreateTempSubdirectory("tomodachi-embed-bench-");
        try
        {
            await using var store = Open(directory.FullName);
            await store.OpenAsync(new EmbedderIdentity(model.Name, model.Dimension), default);
            var watch = Stopwatch.StartNew();
            var vectors = await model.EmbedAsync(texts, EmbeddingKind.Document, default);
            await store.UpsertAsync(texts.Select((t, i) => Memory(t, vectors[i].Vector, i)).ToList(), default);
            return watch.Elapsed.TotalSeconds;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>100,000 memories (vectors of the model over generated chat lines), then query embedding + search.</summary>
    private static async Task SearchAt100kAsync(IEmbedder model, Random random)
    {
        const int Size = 100_000;
        var directory = Directory.CreateTempSubdirectory("tomodachi-embed-bench-100k-");
        try
        {
            await using var store = Open(directory.FullName);
            await store.OpenAsync(new EmbedderIdentity(model.Name, model.Dimension), default);
            // Embedding 100k texts would take minutes; 2,000 distinct ones repeated give the index real vectors.
            var texts = Texts(random, 2_000);
            var vectors = await model.EmbedAsync(texts, EmbeddingKind.Document, default);
            for (var start = 0; start < Size; start += 1_000)
            {
                await store.UpsertAsync(Enumerable.Range(start, 1_000).Select(i => Memory(texts[i % texts.Count], vectors[i % texts.Count].Vector, i)).ToList(), default);
            }

            var latencies = new List<double>(Queries);
            var cpuTotal = 0.0;
            for (var q = -20; q < Queries; q++)
            {
                var cpu = Cpu();
                var watch = Stopwatch.StartNew();
                var query = await model.EmbedAsync(Question(random), default, EmbeddingKind.Query);
                var hits = await store.SearchAsync(query, 3, MemoryFilter.None, default);
                if (hits.Count != 3)
                {
                    throw new InvalidOperationException($"Search answered {hits.Count} hits.");
                }

                if (q >= 0)
                {
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                    cpuTotal += Cpu() - cpu;
                }
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"search over {Size:N0} memories incl. embedding the query with `{model.Name}`, k=3: p50 {Percentile(latencies, 0.5):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, CPU {cpuTotal / Queries:F1} ms per search; load average {LoadAverage()}"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static EmbeddedMemoryStore Open(string directory) =>
        new(Options.Create(new MemoryOptions { DataDirectory = directory }), NullLogger<EmbeddedMemoryStore>.Instance);

    private static EmbeddedMemory Memory(string text, float[] vector, int i) => new(
        new MemoryEntry(Guid.CreateVersion7(), text, Speaker.User, $"session-{i % 50}", DateTimeOffset.UnixEpoch.AddSeconds(i), new Dictionary<string, string>()),
        vector);

    // Chat-length lines, about 14 words, like the turns the chat pipeline stores.
    private static List<string> Texts(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ =>
            $"Yesterday {Pick(random, Subjects)} {Pick(random, Verbs)} {Pick(random, Objects)} and then {Pick(random, Subjects)} {Pick(random, Verbs)} {Pick(random, Objects)}.").ToList();

    private static string Question(Random random) => $"What did {Pick(random, Subjects)} say about {Pick(random, Objects)}?";

    private static string Pick(Random random, string[] from) => from[random.Next(from.Length)];

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
