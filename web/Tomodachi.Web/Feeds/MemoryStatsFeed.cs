using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.V1;

namespace Tomodachi.Web.Feeds;

/// <summary>Follows MemoryService.WatchStats: count, size and age of the vector store.</summary>
public sealed class MemoryStatsFeed(
    MemoryService.MemoryServiceClient client,
    TimeProvider time,
    IOptions<FeedOptions> options,
    ILogger<MemoryStatsFeed> logger)
    : StreamFeed<MemoryStats>(time, options, logger)
{
    private readonly SampleRing<MemorySample> samples = new(options.Value.SampleHistory);

    public IReadOnlyList<MemorySample> History => samples.Snapshot();

    protected override string RpcName => "MemoryService.WatchStats";

    protected override async IAsyncEnumerable<MemoryStats> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = client.WatchStats(new WatchStatsRequest(), cancellationToken: cancellationToken);
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return response.Stats ?? new MemoryStats();
        }
    }

    protected override void OnReceived(MemoryStats message, DateTimeOffset receivedAt) =>
        samples.Add(new MemorySample(receivedAt, message.Count, message.SizeBytes));
}
