using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Comparison;
using Tomodachi.Inference.Tuning.Datasets;
using Tomodachi.Inference.Tuning.Findings;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Grpc;

/// <summary>The gRPC surface of the fine-tuning insights: ratings, findings, data set export and the adapter comparison.</summary>
public sealed class TuningGrpcService(
    ITurnJournal journal,
    FindingsAnalyzer analyzer,
    DatasetExporter exporter,
    ComparisonRunner comparisons,
    IComparisonStore comparisonStore,
    ModelCatalog catalog,
    IOptions<InferenceOptions> inference) : TuningService.TuningServiceBase
{
    /// <summary>The most an adapter may be scaled by, as for a persona's AdapterScale.</summary>
    private const float MaxAdapterScale = 4f;

    public override async Task<RateTurnResponse> RateTurn(RateTurnRequest request, ServerCallContext context)
    {
        if (request.TurnId.Length == 0)
        {
            throw Invalid("turn_id is required.");
        }

        var rating = request.Rating switch
        {
            Rating.ThumbsUp => TurnRating.ThumbsUp,
            Rating.ThumbsDown => TurnRating.ThumbsDown,
            Rating.Cleared => TurnRating.None,
            _ => throw Invalid($"rating must be RATING_THUMBS_UP, RATING_THUMBS_DOWN or RATING_CLEARED; it was {ProtoEnum.NameOf(request.Rating)}."),
        };
        if (!await journal.RateAsync(request.TurnId, rating, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No journaled turn has the id '{UserInput.Excerpt(request.TurnId)}'."));
        }

        return new RateTurnResponse { TurnId = request.TurnId, Rating = request.Rating };
    }

    public override async Task<GetRatingsResponse> GetRatings(GetRatingsRequest request, ServerCallContext context)
    {
        try
        {
            var ratings = await journal.GetRatingsAsync(request.TurnIds.Distinct().ToList(), context.CancellationToken);
            return new GetRatingsResponse { Ratings = { ratings.ToDictionary(r => r.Key, r => ToRating(r.Value)) } };
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
    }

    public override async Task<GetFindingsResponse> GetFindings(GetFindingsRequest request, ServerCallContext context)
    {
        try
        {
            return await analyzer.AnalyzeAsync(request.SessionId, request.Since, request.Until, context.CancellationToken);
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
    }

    public override async Task<PreviewDatasetResponse> PreviewDataset(PreviewDatasetRequest request, ServerCallContext context)
    {
        try
        {
            var preview = await exporter.PreviewAsync(DatasetSelection.From(request.Filter), context.CancellationToken);
            return new PreviewDatasetResponse { TurnCount = (uint)preview.TurnCount, WithSystemPromptCount = (uint)preview.WithSystemPromptCount };
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
    }

    public override async Task ExportDataset(ExportDatasetRequest request, IServerStreamWriter<ExportDatasetResponse> responseStream, ServerCallContext context)
    {
        try
        {
            await foreach (var line in exporter.ExportAsync(DatasetSelection.From(request.Filter), context.CancellationToken))
            {
                await responseStream.WriteAsync(new ExportDatasetResponse { JsonlLine = line.JsonLine, TurnId = line.TurnId }, context.CancellationToken);
            }
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
        catch (NoTurnsMatchException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    }

    public override async Task CompareAdapter(CompareAdapterRequest request, IServerStreamWriter<CompareAdapterResponse> responseStream, ServerCallContext context)
    {
        var contextSize = inference.Value.ContextSize;
        if (request.MaxTokens > contextSize)
        {
            throw Invalid($"max_tokens must be 1 to {contextSize} (the context of a reply), or 0 for Inference:Tuning:ComparisonMaxTokens; it was {request.MaxTokens}.");
        }

        if (!(request.AdapterScale is >= 0 and <= MaxAdapterScale))
        {
            throw Invalid($"adapter_scale must be 0 to {MaxAdapterScale} (0 uses the persona's AdapterScale); it was {request.AdapterScale}.");
        }

        ComparisonSettings settings;
        try
        {
            // Files a request names must lie in the model folders: the suite's lines end up in the stored report.
            settings = new ComparisonSettings(
                Persona: NullIfEmpty(request.Persona),
                AdapterPath: NullIfEmpty(request.AdapterPath) is { } adapter ? catalog.Confine(adapter, "The adapter") : null,
                AdapterScale: request.AdapterScale > 0 ? request.AdapterScale : null,
                PromptSuitePath: NullIfEmpty(request.PromptSuitePath) is { } suite ? catalog.Confine(suite, "The prompt suite") : null,
                MaxTokens: request.MaxTokens > 0 ? (int)request.MaxTokens : null);
        }
        catch (ModelAccessDeniedException e)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, e.Message));
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }

        ComparisonReport report;
        try
        {
            report = await comparisons.RunAsync(settings,
                (progress, ct) => new ValueTask(responseStream.WriteAsync(new CompareAdapterResponse { Progress = progress }, ct)),
                context.CancellationToken);
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
        catch (ComparisonRejectedException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (Exception e) when (e is ComparisonBusyException or QueueFullException)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, e.Message));
        }
        catch (ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The model was unloaded during the comparison."));
        }

        await responseStream.WriteAsync(new CompareAdapterResponse { Report = report }, context.CancellationToken);
    }

    public override async Task<GetLastComparisonResponse> GetLastComparison(GetLastComparisonRequest request, ServerCallContext context) =>
        await comparisonStore.GetLastAsync(context.CancellationToken) is { } report
            ? new GetLastComparisonResponse { Report = report }
            : throw new RpcException(new Status(StatusCode.NotFound, ComparisonDownload.NoReportYet));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static Rating ToRating(int rating) => rating switch
    {
        TurnRating.ThumbsUp => Rating.ThumbsUp,
        TurnRating.ThumbsDown => Rating.ThumbsDown,
        _ => Rating.Cleared,
    };

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
