using Grpc.Core;
using Tomodachi.Memory.Memories;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Grpc.MemoryMapping;

namespace Tomodachi.Memory.Grpc;

/// <summary>
/// The gRPC surface of the Memory service: checks and maps messages and calls the <see cref="MemoryBank"/>.
/// Domain failures become status codes in <see cref="MemoryExceptionInterceptor"/>.
/// </summary>
public sealed class MemoryGrpcService(MemoryBank bank, RetentionSweeper retention, MemoryChangeFeed changeFeed, TimeProvider time) : MemoryService.MemoryServiceBase
{
    // Import commits in chunks: big enough to amortise a commit, small enough to bound what a failure loses.
    private const int ImportChunk = 256;

    public override async Task<StoreResponse> Store(StoreRequest request, ServerCallContext context)
    {
        var ids = await bank.StoreAsync([ToDraft(request.Memory, "memory")], context.CancellationToken);
        return new StoreResponse { Id = ids[0].ToString() };
    }

    public override async Task<StoreBatchResponse> StoreBatch(StoreBatchRequest request, ServerCallContext context)
    {
        var ids = await bank.StoreAsync(ToDrafts(request), context.CancellationToken);
        return new StoreBatchResponse { Ids = { ids.Select(id => id.ToString()) } };
    }

    public override async Task<SearchResponse> Search(SearchRequest request, ServerCallContext context)
    {
        var (query, k, filter) = ToSearch(request);
        var hits = await bank.SearchAsync(query, k, filter, context.CancellationToken);
        return new SearchResponse { Hits = { hits.Select(hit => new SearchHit { Memory = ToMessage(hit.Entry), Score = hit.Score }) } };
    }

    public override async Task<GetResponse> Get(GetRequest request, ServerCallContext context) =>
        new() { Memory = ToMessage(await bank.GetAsync(Id(request.Id), context.CancellationToken)) };

    public override async Task<DeleteResponse> Delete(DeleteRequest request, ServerCallContext context)
    {
        switch (request.TargetCase)
        {
            case DeleteRequest.TargetOneofCase.Id:
                await bank.DeleteAsync(Id(request.Id), context.CancellationToken);
                return new DeleteResponse { DeletedCount = 1 };
            case DeleteRequest.TargetOneofCase.SessionId:
                var deleted = await bank.DeleteSessionAsync(SessionToDelete(request.SessionId), context.CancellationToken);
                return new DeleteResponse { DeletedCount = (ulong)deleted };
            case DeleteRequest.TargetOneofCase.All when request.All:
                return new DeleteResponse { DeletedCount = (ulong)await bank.DeleteAllAsync(context.CancellationToken) };
            case DeleteRequest.TargetOneofCase.All:
                throw Invalid("all is false; set it to true to delete every memory.");
            default:
                throw Invalid("Set one of id (one memory), session_id (every memory of a session) or all (every memory).");
        }
    }

    public override async Task<ListResponse> List(ListRequest request, ServerCallContext context)
    {
        var (filter, after, pageSize) = ToList(request);
        var (page, next) = await bank.ListAsync(filter, after, pageSize, context.CancellationToken);
        return new ListResponse { Memories = { page.Select(ToMessage) }, NextPageToken = ListPageToken.Encode(next) };
    }

    public override async Task<UpdateResponse> Update(UpdateRequest request, ServerCallContext context)
    {
        var (id, text, pinned) = ToUpdate(request);
        return new UpdateResponse { Memory = ToMessage(await bank.UpdateAsync(id, text, pinned, context.CancellationToken)) };
    }

    public override async Task Export(ExportRequest request, IServerStreamWriter<ExportResponse> responseStream, ServerCallContext context)
    {
        await foreach (var entry in bank.ExportAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new ExportResponse { Memory = ToMessage(entry) }, context.CancellationToken);
        }
    }

    public override async Task<ImportResponse> Import(IAsyncStreamReader<ImportRequest> requestStream, ServerCallContext context)
    {
        var imported = 0UL;
        var chunk = new List<MemoryDraft>(ImportChunk);
        var position = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            position++;
            MemoryDraft draft;
            try
            {
                draft = ToImportedDraft(request.Memory, "memory");
            }
            catch (RpcException e)
            {
                imported += await FlushAsync();
                throw Invalid($"Message #{position} of the import stream: {e.Status.Detail} The {imported} memories before it were imported.");
            }

            chunk.Add(draft);
            if (chunk.Count == ImportChunk)
            {
                imported += await FlushAsync();
            }
        }

        imported += await FlushAsync();
        return new ImportResponse { ImportedCount = imported };

        async Task<ulong> FlushAsync()
        {
            if (chunk.Count == 0)
            {
                return 0;
            }

            var stored = await bank.StoreAsync(chunk, context.CancellationToken);
            chunk.Clear();
            return (ulong)stored.Count;
        }
    }

    public override async Task<GetStatsResponse> GetStats(GetStatsRequest request, ServerCallContext context) =>
        new() { Stats = ToMessage(await bank.GetStatsAsync(context.CancellationToken), retention) };

    public override async Task WatchStats(WatchStatsRequest request, IServerStreamWriter<WatchStatsResponse> responseStream, ServerCallContext context)
    {
        using var changes = changeFeed.Subscribe();
        using var watching = context.UntilStopping();
        try
        {
            // Ends only by cancellation: the watcher leaving, or the service stopping.
            while (true)
            {
                var sent = time.GetUtcNow();
                var stats = await bank.GetStatsAsync(watching.Token);
                await responseStream.WriteAsync(new WatchStatsResponse { Stats = ToMessage(stats, retention) }, watching.Token);
                await changes.WaitAsync(sent, MemoryStatsReporter.Interval, watching.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException && context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away.
        }
        catch (OperationCanceledException) when (context.IsStopping())
        {
            throw ServiceStopping.ShuttingDown("memory", "watch again");
        }
    }

    public override async Task<EmbedResponse> Embed(EmbedRequest request, ServerCallContext context)
    {
        var (texts, kind) = ToEmbed(request);
        var (embedder, embeddings) = await bank.EmbedAsync(texts, kind, context.CancellationToken);
        return ToMessage(embedder, embeddings);
    }

    public override async Task<GetRetrievalStatsResponse> GetRetrievalStats(GetRetrievalStatsRequest request, ServerCallContext context)
    {
        var (figures, memories, retrieved, lowScoreOnly) = await bank.GetRetrievalStatsAsync(context.CancellationToken);
        return new GetRetrievalStatsResponse
        {
            Since = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(figures.Since),
            Searches = (ulong)figures.Searches,
            SearchesWithHits = (ulong)figures.SearchesWithHits,
            Hits = (ulong)figures.Hits,
            HitScoreHistogram = { figures.ScoreHistogram.Select(b => (ulong)b) },
            Memories = (ulong)memories,
            MemoriesRetrieved = (ulong)retrieved,
            MemoriesLowScoreOnly = (ulong)lowScoreOnly,
            LowScoreThreshold = figures.LowScoreThreshold,
        };
    }

    public override async Task<ReindexResponse> Reindex(ReindexRequest request, ServerCallContext context) =>
        new() { ReindexedCount = (ulong)await bank.ReindexAsync(context.CancellationToken) };
}
