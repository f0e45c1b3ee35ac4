using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Tomodachi.Memory.Storage;
using Tomodachi.Memory.V1;
using Xunit.Abstractions;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Reliability;

/// <summary>
/// Acknowledged means durable: SIGKILL the service in the middle of a stream of Store calls, restart it,
/// and every acknowledged memory is there and the database is intact. Repeated, bounded in rounds and time.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 20;
    private const int Writers = 4;
    private const int MaxWritesPerRound = 2_000;
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(60);

    // Durability of the store, not embedding, is under test: the model-free embedder keeps the 21 starts quick.
    private const string Embedder = "--Memory:Embedder=Lexical";

    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("tomodachi-memory-crash-");

    [Fact]
    public async Task Every_acknowledged_memory_survives_SIGKILL_and_the_database_stays_intact()
    {
        var acknowledged = new ConcurrentDictionary<string, string>();
        var random = new Random(42);
        for (var round = 1; round <= Rounds; round++)
        {
            using var timeout = new CancellationTokenSource(RoundTimeout);
            await using var service = await MemoryServiceProcess.StartAsync(dataDirectory.FullName, timeout.Token, Embedder);
            await AssertAllPresentAsync(service, acknowledged, timeout.Token);

            // Kill after a random number of acknowledgements, while every writer still has a call in flight.
            var killAfter = acknowledged.Count + random.Next(20, 120);
            using var stopWriters = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var writers = Enumerable.Range(0, Writers)
                .Select(writer => WriteUntilFailureAsync(service.Client, $"round{round}-writer{writer}", acknowledged, stopWriters.Token))
                .ToList();
            var waited = Stopwatch.StartNew();
            while (acknowledged.Count < killAfter && writers.Any(w => !w.IsCompleted) && waited.Elapsed < RoundTimeout / 2)
            {
                await Task.Delay(5, timeout.Token);
            }

            await service.KillAsync();
            var lostCalls = (await Task.WhenAll(writers)).Sum();
            output.WriteLine($"round {round}: {acknowledged.Count} acknowledged in total, {lostCalls} calls cut off by the kill");
            Assert.True(lostCalls > 0, "the kill did not interrupt any call; the test proves nothing");

            Assert.Equal("ok", await MemoryDatabase.IntegrityCheckAsync(dataDirectory.FullName));
        }

        using var finalTimeout = new CancellationTokenSource(RoundTimeout);
        await using var restarted = await MemoryServiceProcess.StartAsync(dataDirectory.FullName, finalTimeout.Token, Embedder);
        await AssertAllPresentAsync(restarted, acknowledged, finalTimeout.Token);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dataDirectory.Delete(recursive: true);
    }

    /// <summary>Stores until a call fails; returns how many calls failed (the ones the kill cut off).</summary>
    private static async Task<int> WriteUntilFailureAsync(
        MemoryService.MemoryServiceClient client, string writer, ConcurrentDictionary<string, string> acknowledged, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxWritesPerRound && !cancellationToken.IsCancellationRequested; i++)
        {
            var text = $"{writer} memory {i}";
            try
            {
                var reply = await client.StoreAsync(Store(text, writer), cancellationToken: cancellationToken);
                acknowledged[reply.Id] = text;
            }
            catch (RpcException)
            {
                return 1;
            }
        }

        return 0;
    }

    private static async Task AssertAllPresentAsync(MemoryServiceProcess service, ConcurrentDictionary<string, string> acknowledged, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, string>();
        using var export = service.Client.Export(new ExportRequest(), cancellationToken: cancellationToken);
        await foreach (var message in export.ResponseStream.ReadAllAsync(cancellationToken))
        {
            stored[message.Memory.Id] = message.Memory.Text;
        }

        var missing = acknowledged.Where(a => !stored.TryGetValue(a.Key, out var text) || text != a.Value).Select(a => a.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged memories are missing, e.g. {missing.FirstOrDefault()}");

        // Search must see them too: the index is rebuilt from the database at start-up.
        var stats = (await service.Client.GetStatsAsync(new GetStatsRequest(), cancellationToken: cancellationToken)).Stats;
        Assert.Equal((ulong)stored.Count, stats.Count);
    }
}
