using System.Collections.Concurrent;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>
/// A real gRPC TuningService with scripted answers (see <see cref="ScriptedKnobService"/> for why methods are bound by
/// hand and virtual). Ratings are stored per known turn; any method can be made to fail with a status of the test's choosing.
/// </summary>
[BindServiceMethod(typeof(ScriptedTuningService), nameof(Bind))]
public class ScriptedTuningService
{
    private const string ServiceName = "tomodachi.tuning.v1.TuningService";

    /// <summary>Turn id to stored rating; RateTurn answers NOT_FOUND for ids not in here.</summary>
    public ConcurrentDictionary<string, Rating> Ratings { get; } = new();

    /// <summary>Method name to the status it fails with.</summary>
    public ConcurrentDictionary<string, Status> Failures { get; } = new();

    public GetFindingsResponse Findings { get; set; } = new() { Note = "No findings in 0 turns.", MinTurns = 5 };

    /// <summary>Counts the turns a filter selects.</summary>
    public Func<DatasetFilter, PreviewDatasetResponse> Preview { get; set; } = _ => new PreviewDatasetResponse();

    public ConcurrentQueue<DatasetFilter> PreviewedFilters { get; } = new();

    /// <summary>The report GetLastComparison answers with; NOT_FOUND while null.</summary>
    public ComparisonReport? LastReport { get; set; }

    /// <summary>The events CompareAdapter streams; the last report among them becomes <see cref="LastReport"/>.</summary>
    public List<CompareAdapterResponse> ComparisonEvents { get; } = [];

    /// <summary>When set, CompareAdapter waits for it after its first event, so a test can look at a run under way.</summary>
    public TaskCompletionSource? HoldComparison { get; set; }

    public ConcurrentQueue<CompareAdapterRequest> ComparisonRequests { get; } = new();

    public virtual Task<RateTurnResponse> RateTurn(RateTurnRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(RateTurn));
        if (!Ratings.ContainsKey(request.TurnId))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No journaled turn has the id '{request.TurnId}'."));
        }

        Ratings[request.TurnId] = request.Rating;
        return Task.FromResult(new RateTurnResponse { TurnId = request.TurnId, Rating = request.Rating });
    }

    public virtual Task<GetRatingsResponse> GetRatings(GetRatingsRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(GetRatings));
        var response = new GetRatingsResponse();
        foreach (var id in request.TurnIds.Where(Ratings.ContainsKey))
        {
            response.Ratings[id] = Ratings[id];
        }

        return Task.FromResult(response);
    }

    public virtual Task<GetFindingsResponse> GetFindings(GetFindingsRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(GetFindings));
        return Task.FromResult(Findings);
    }

    public virtual Task<PreviewDatasetResponse> PreviewDataset(PreviewDatasetRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(PreviewDataset));
        PreviewedFilters.Enqueue(request.Filter);
        return Task.FromResult(Preview(request.Filter));
    }

    public virtual async Task CompareAdapter(CompareAdapterRequest request, IServerStreamWriter<CompareAdapterResponse> responseStream, ServerCallContext context)
    {
        ComparisonRequests.Enqueue(request);
        FailIfScripted(nameof(CompareAdapter));
        for (var i = 0; i < ComparisonEvents.Count; i++)
        {
            await responseStream.WriteAsync(ComparisonEvents[i], context.CancellationToken);
            if (i == 0 && HoldComparison is { } hold)
            {
                await hold.Task.WaitAsync(context.CancellationToken);
            }

            if (ComparisonEvents[i].Report is { } report)
            {
                LastReport = report;
            }
        }
    }

    public virtual Task<GetLastComparisonResponse> GetLastComparison(GetLastComparisonRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(GetLastComparison));
        return LastReport is null
            ? throw new RpcException(new Status(StatusCode.NotFound, "No comparison has finished yet."))
            : Task.FromResult(new GetLastComparisonResponse { Report = LastReport });
    }

    private void FailIfScripted(string method)
    {
        if (Failures.TryGetValue(method, out var status))
        {
            throw new RpcException(status);
        }
    }

    public static void Bind(ServiceBinderBase binder, ScriptedTuningService? service)
    {
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "RateTurn", RateTurnRequest.Parser, RateTurnResponse.Parser),
            (UnaryServerMethod<RateTurnRequest, RateTurnResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "GetRatings", GetRatingsRequest.Parser, GetRatingsResponse.Parser),
            (UnaryServerMethod<GetRatingsRequest, GetRatingsResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "GetFindings", GetFindingsRequest.Parser, GetFindingsResponse.Parser),
            (UnaryServerMethod<GetFindingsRequest, GetFindingsResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "PreviewDataset", PreviewDatasetRequest.Parser, PreviewDatasetResponse.Parser),
            (UnaryServerMethod<PreviewDatasetRequest, PreviewDatasetResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.ServerStreaming, "CompareAdapter", CompareAdapterRequest.Parser, CompareAdapterResponse.Parser),
            (ServerStreamingServerMethod<CompareAdapterRequest, CompareAdapterResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "GetLastComparison", GetLastComparisonRequest.Parser, GetLastComparisonResponse.Parser),
            (UnaryServerMethod<GetLastComparisonRequest, GetLastComparisonResponse>)null!);
    }
}
