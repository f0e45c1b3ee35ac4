using System.Diagnostics;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Tomodachi.Memory.Tests.Service;
using Tomodachi.Memory.V1;
using Xunit.Abstractions;

namespace Tomodachi.Memory.Tests.Reliability;

/// <summary>
/// SIGKILL the real service in the middle of re-embedding its memories with the sentence model: nothing is lost, the
/// database stays intact, and the next start goes on from where the killed one was rather than from the beginning.
/// </summary>
public sealed class ReembeddingCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Memories = 2_000;
    private const int Batch = 1_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("tomodachi-memory-reembed-crash-");

    [Fact]
    public async Task A_re_embedding_killed_midway_loses_nothing_and_resumes_on_restart()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var texts = new Dictionary<string, string>();
        await using (var lexical = await MemoryServiceProcess.StartAsync(dataDirectory.FullName, timeout.Token, "--Memory:Embedder=Lexical"))
        {
            for (var start = 0; start < Memories; start += Batch)
            {
                var request = new StoreBatchRequest();
                request.Memories.Add(Enumerable.Range(start, Batch).Select(i => MemoryRequests.New($"note {i} about topic {i % 37}, kept for later")));
                var reply = await lexical.Client.StoreBatchAsync(request, cancellationToken: timeout.Token);
                foreach (var (id, i) in reply.Ids.Select((id, i) => (id, start + i)))
                {
                    texts[id] = $"note {i} about topic {i % 37}, kept for later";
                }
            }
        }

        ulong doneAtKill;
        await using (var model = await MemoryServiceProcess.StartAsync(dataDirectory.FullName, timeout.Token))
        {
            doneAtKill = await WaitForProgressAsync(model.Client, timeout.Token);
            await model.KillAsync();
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal("ok", await MemoryDatabase.IntegrityCheckAsync(dataDirectory.FullName));
        var kept = ulong.Parse(await MemoryDatabase.ScalarAsync(dataDirectory.FullName, "SELECT count(*) FROM pending_vectors"), System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"killed with {doneAtKill} of {Memories} re-embedded as last reported; {kept} new vectors on disk");
        Assert.InRange(kept, doneAtKill, (ulong)Memories - 1);

        await using var restarted = await MemoryServiceProcess.StartAsync(dataDirectory.FullName, timeout.Token);
        var resumed = (await restarted.Client.GetStatsAsync(new GetStatsRequest(), cancellationToken: timeout.Token)).Stats;
        Assert.True(resumed.Reembedding is null || resumed.Reembedding.Done >= kept, $"resumed at {resumed.Reembedding?.Done}, {kept} were on disk");
        var final = await WaitUntilCompleteAsync(restarted.Client, timeout.Token);

        Assert.Equal("onnx:all-MiniLM-L6-v2", final.Embedder);
        Assert.Equal((ulong)Memories, final.Count);
        var exported = new Dictionary<string, string>();
        using var export = restarted.Client.Export(new ExportRequest(), cancellationToken: timeout.Token);
        await foreach (var message in export.ResponseStream.ReadAllAsync(timeout.Token))
        {
            exported[message.Memory.Id] = message.Memory.Text;
        }

        Assert.Equal(texts.OrderBy(t => t.Key), exported.OrderBy(t => t.Key));
        var probe = texts.First(t => t.Value.StartsWith("note 1234 ", StringComparison.Ordinal));
        var hit = Assert.Single((await restarted.Client.SearchAsync(MemoryRequests.Search(probe.Value, k: 1), cancellationToken: timeout.Token)).Hits);
        Assert.Equal(probe.Key, hit.Memory.Id);
        Assert.Equal(1f, hit.Score, 3);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dataDirectory.Delete(recursive: true);
    }

    /// <summary>Polls until some but not all memories have their new vector; returns how many had.</summary>
    private static async Task<ulong> WaitForProgressAsync(MemoryService.MemoryServiceClient client, CancellationToken cancellationToken)
    {
        while (true)
        {
            var stats = (await client.GetStatsAsync(new GetStatsRequest(), cancellationToken: cancellationToken)).Stats;
            Assert.True(stats.Reembedding is not null, "the re-embedding completed before the test could kill it in the middle");
            if (stats.Reembedding.Done > 0)
            {
                return stats.Reembedding.Done;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private static async Task<MemoryStats> WaitUntilCompleteAsync(MemoryService.MemoryServiceClient client, CancellationToken cancellationToken)
    {
        using var watch = client.WatchStats(new WatchStatsRequest(), cancellationToken: cancellationToken);
        await foreach (var update in watch.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (update.Stats.Reembedding is null)
            {
                return update.Stats;
            }
        }

        throw new InvalidOperationException("The stats stream ended before the re-embedding completed.");
    }
}
