using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Benchmarks;
using Tomodachi.Memory.Storage;

// Embedded store figures for docs/benchmarks.md:
//   dotnet run -c Release --project benchmarks/Tomodachi.Memory.Benchmarks [-- 10000 100000]
//   ... -- recall   recall@1/@3 of each embedder over Recall/recall-set.json
//   ... -- embed    sentence models: query latency, StoreBatch rate, search at 100k with the query's embedding, RSS
// Each size is filled in this process, then loaded and searched in a fresh child process, so start-up time
// and RSS are those of a service that has just started.
const int SingleStores = 500;
const int BatchSize = 500;
const int Queries = 300;
const int K = 10;
var identity = new EmbedderIdentity("benchmark-random", LexicalEmbedder.Dimensions);

if (args is ["embed", ..])
{
    await Tomodachi.Memory.Benchmarks.Embedding.EmbeddingBenchmark.RunAsync(threads: Environment.ProcessorCount);
    await Tomodachi.Memory.Benchmarks.Embedding.ModelRssBenchmark.RunAsync();
    return;
}

if (args is ["rss-child", var modelId])
{
    await Tomodachi.Memory.Benchmarks.Embedding.ModelRssBenchmark.ChildAsync(modelId);
    return;
}

if (args is ["recall", ..])
{
    await Tomodachi.Memory.Benchmarks.Recall.RecallBenchmark.RunAsync(BenchmarkEmbedders.All(threads: 0));
    return;
}

if (args is ["load", var loadDirectory])
{
    Console.WriteLine(await LoadAndSearchAsync(loadDirectory));
    return;
}

var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10_000, 100_000];
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, SIMD: Vector256 {Vector256.IsHardwareAccelerated}, Vector512 {Vector512.IsHardwareAccelerated}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
Console.WriteLine("| memories | single Store/s | batched Store/s (500 a batch) | start-up load ms | RSS after load MB | search p50 ms | search p99 ms | search CPU ms (mean) | database MB |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var size in sizes)
{
    var directory = Directory.CreateTempSubdirectory("tomodachi-memory-bench-");
    try
    {
        var (single, batched) = await FillAsync(size, directory.FullName);
        var loaded = await RunChildAsync(directory.FullName);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {single:F0} | {batched:F0} | {loaded}"));
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}

var embedCpu = Process.GetCurrentProcess().TotalProcessorTime;
for (var i = 0; i < 10_000; i++)
{
    LexicalEmbedder.Embed($"what did I say about my dog's name on day {i}?");
}

Console.WriteLine($"lexical embedding of a short query: {(Process.GetCurrentProcess().TotalProcessorTime - embedCpu).TotalMicroseconds / 10_000:F1} µs CPU");
var (floatScan, int8Scan) = BareScanMilliseconds(100_000);
Console.WriteLine($"bare scan of 100,000 x 384, one core: floats (TensorPrimitives.Dot) {floatScan:F2} ms CPU, 8-bit copy (the search's first pass) {int8Scan:F2} ms CPU");
Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");

EmbeddedMemoryStore Open(string directory) =>
    new(Options.Create(new MemoryOptions { DataDirectory = directory }), NullLogger<EmbeddedMemoryStore>.Instance);

async Task<(double Single, double Batched)> FillAsync(int size, string directory)
{
    var random = new Random(1);
    var start = DateTimeOffset.UtcNow.AddDays(-365);
    EmbeddedMemory Next(int i) => new(
        new MemoryEntry(Guid.CreateVersion7(), $"memory number {i} about topic {i % 97}, said in passing", Speaker.User,
            $"session-{i % 50}", start.AddSeconds(i), new Dictionary<string, string>()),
        RandomUnitVector(random));

    await using var store = Open(directory);
    await store.OpenAsync(identity, default);
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < SingleStores; i++)
    {
        await store.UpsertAsync([Next(i)], default);
    }

    var single = SingleStores / watch.Elapsed.TotalSeconds;
    watch.Restart();
    for (var i = SingleStores; i < size; i += BatchSize)
    {
        await store.UpsertAsync(Enumerable.Range(i, Math.Min(BatchSize, size - i)).Select(Next).ToList(), default);
    }

    return (single, (size - SingleStores) / watch.Elapsed.TotalSeconds);
}

async Task<string> RunChildAsync(string directory)
{
    var self = Environment.ProcessPath!;
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
    }

    start.ArgumentList.Add("load");
    start.ArgumentList.Add(directory);
    using var child = Process.Start(start)!;
    var output = await child.StandardOutput.ReadToEndAsync();
    await child.WaitForExitAsync();
    return output.Trim();
}

async Task<string> LoadAndSearchAsync(string directory)
{
    var watch = Stopwatch.StartNew();
    await using var store = Open(directory);
    await store.OpenAsync(identity, default);
    var loadMs = watch.Elapsed.TotalMilliseconds;
    var rssMb = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;

    var random = new Random(2);
    var latencies = new List<double>(Queries);
    var cpu = TimeSpan.Zero;
    for (var q = -100; q < Queries; q++)
    {
        var query = RandomUnitVector(random);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        var hits = await store.SearchAsync(query, K, MemoryFilter.None, default);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        if (hits.Count != K)
        {
            throw new InvalidOperationException($"Search answered {hits.Count} hits, expected {K}.");
        }

        if (q >= 0)
        {
            latencies.Add(elapsed);
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        }
    }

    latencies.Sort();
    var figures = await store.GetFiguresAsync(default);
    return string.Create(CultureInfo.InvariantCulture,
        $"{loadMs:F0} | {rssMb:F0} | {Percentile(latencies, 0.50):F2} | {Percentile(latencies, 0.99):F2} | {cpu.TotalMilliseconds / Queries:F2} | {figures.SizeBytes / 1048576.0:F0} |");
}

// The floor for a scan on this machine: the dot products alone, over floats and over the 8-bit copy the search's
// first pass reads, without filters, heap or database.
static (double Floats, double Int8) BareScanMilliseconds(int rows)
{
    var dimension = LexicalEmbedder.Dimensions;
    var matrix = new float[rows * dimension];
    var quantized = new sbyte[rows * dimension];
    var random = new Random(3);
    for (var row = 0; row < rows; row++)
    {
        var vector = RandomUnitVector(random);
        vector.CopyTo(matrix.AsSpan(row * dimension));
        Int8Vectors.Quantize(vector, quantized.AsSpan(row * dimension, dimension));
    }

    var query = RandomUnitVector(new Random(4));
    var quantizedQuery = Int8Vectors.QuantizeQuery(query);
    var sink = 0f;
    var floats = FastestCpuMilliseconds(() =>
    {
        for (var row = 0; row < rows; row++)
        {
            sink += TensorPrimitives.Dot(matrix.AsSpan(row * dimension, dimension), query);
        }
    });
    var int8 = FastestCpuMilliseconds(() =>
    {
        for (var row = 0; row < rows; row++)
        {
            sink += Int8Vectors.Dot(quantized.AsSpan(row * dimension, dimension), quantizedQuery);
        }
    });
    GC.KeepAlive(sink);
    return (floats, int8);
}

static double FastestCpuMilliseconds(Action scan)
{
    var best = double.MaxValue;
    for (var round = 0; round < 30; round++)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        scan();
        best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds);
    }

    return best;
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static float[] RandomUnitVector(Random random)
{
    var vector = new float[LexicalEmbedder.Dimensions];
    for (var i = 0; i < vector.Length; i++)
    {
        vector[i] = (float)(random.NextDouble() * 2 - 1);
    }

    TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
    return vector;
}
