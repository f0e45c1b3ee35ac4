using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>
/// Asks the memory service for its stats every <see cref="TuningOptions.MemorySampleInterval"/> and keeps count and
/// size in the journal file, so growth can be set against the turns journaled meanwhile. While the memory service
/// does not answer, samples are skipped: the finding then lacks samples and says so, nothing fails.
/// </summary>
public sealed class MemoryStatsSampler(
    IServiceProvider services,
    MemoryService.MemoryServiceClient client,
    TimeProvider time,
    IOptions<TuningOptions> options,
    IOptions<InferenceOptions> inference,
    ILogger<MemoryStatsSampler> logger) : PeriodicWork(time, options.Value.MemorySampleInterval, logger)
{
    private IMemoryStatsHistory? history;

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        MemoryStats stats;
        try
        {
            // gRPC deadlines are wall-clock instants; the budget itself comes from the TimeProvider.
            var deadline = Time.GetUtcNow().UtcDateTime + inference.Value.MemoryTimeout;
            stats = (await client.GetStatsAsync(new GetStatsRequest(), deadline: deadline, cancellationToken: ct)).Stats;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Unreachable, unresolvable or failing: like a chat's memory search, this is the memory service's state,
            // not this service's error.
            logger.LogDebug("Memory stats sample skipped: {Error}", e is RpcException rpc ? rpc.StatusCode.ToString() : e.GetType().Name);
            return;
        }

        // Resolved here, not injected, for the same reason as the RSS history: the journal file may not open.
        history ??= services.GetRequiredService<IMemoryStatsHistory>();
        await history.AddAsync(new MemoryStatsSample(Time.GetUtcNow(), (long)stats.Count, (long)stats.SizeBytes, stats.Backend), ct);
    }
}
