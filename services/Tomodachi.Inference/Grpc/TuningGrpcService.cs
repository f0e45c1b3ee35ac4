using Grpc.Core;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Datasets;
using Tomodachi.Inference.Tuning.Findings;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Grpc;

/// <summary>The gRPC surface of the fine-tuning insights: ratings, findings and data set export.</summary>
public sealed class TuningGrpcService(ITurnJournal journal, FindingsAnalyzer analyzer, DatasetExporter exporter)
    : TuningService.TuningServiceBase
{
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

    private static Rating ToRating(int rating) => rating switch
    {
        TurnRating.ThumbsUp => Rating.ThumbsUp,
        TurnRating.ThumbsDown => Rating.ThumbsDown,
        _ => Rating.Cleared,
    };

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
