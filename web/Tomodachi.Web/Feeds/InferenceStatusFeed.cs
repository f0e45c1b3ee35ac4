using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Feeds;

/// <summary>Follows InferenceService.WatchStatus: model, process memory, queue, message count, last turn.</summary>
public sealed class InferenceStatusFeed(
    InferenceService.InferenceServiceClient client,
    TimeProvider time,
    IOptions<FeedOptions> options,
    ILogger<InferenceStatusFeed> logger)
    : StreamFeed<WatchStatusResponse>(time, options, logger)
{
    private readonly SampleRing<RssSample> rss = new(options.Value.SampleHistory);

    public IReadOnlyList<RssSample> RssHistory => rss.Snapshot();

    protected override string RpcName => "InferenceService.WatchStatus";

    protected override async IAsyncEnumerable<WatchStatusResponse> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = client.WatchStatus(new WatchStatusRequest(), cancellationToken: cancellationToken);
        await foreach (var status in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return status;
        }
    }

    private DateTimeOffset lastSampledAt;

    /// <summary>Each memory sample once, at the time it was read: snapshots repeat the latest sample until a new one.</summary>
    protected override void OnReceived(WatchStatusResponse message, DateTimeOffset receivedAt)
    {
        if (message.Memory is { SampledAt: { } sampledAt } memory && sampledAt.ToDateTimeOffset() != lastSampledAt)
        {
            lastSampledAt = sampledAt.ToDateTimeOffset();
            rss.Add(new RssSample(lastSampledAt, memory.RssBytes));
        }
    }
}
