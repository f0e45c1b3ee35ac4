using Grpc.Core;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Orchestration;
using Tomodachi.Inference.Monitoring;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Grpc;

/// <summary>
/// The gRPC surface of the Inference service: validates requests, maps messages and turns domain failures into
/// status codes. RPCs not overridden here answer UNIMPLEMENTED.
/// </summary>
public sealed partial class InferenceGrpcService(
    IModelManager models,
    ChatPipeline chat,
    ChatRequestReader reader,
    PersonaCatalog personas,
    StatusBoard status,
    ProcessMemorySampler memory) : InferenceService.InferenceServiceBase
{
    public override Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(new GetModelResponse { Model = models.Describe().ToProto() });


    public override async Task<UnloadModelResponse> UnloadModel(UnloadModelRequest request, ServerCallContext context)
    {
        var before = memory.SampleNow().RssBytes;
        var model = await models.UnloadAsync(context.CancellationToken);
        return new UnloadModelResponse { Model = model.ToProto(), RssBytesBefore = before, RssBytesAfter = memory.SampleNow().RssBytes };
    }

    public override Task<CountTokensResponse> CountTokens(CountTokensRequest request, ServerCallContext context)
    {
        using var lease = AcquireModel();
        var count = lease.Model.Tokenize(request.Text, request.AddBos).Length;
        return Task.FromResult(new CountTokensResponse { TokenCount = (uint)count });
    }

    public override Task<ListPersonasResponse> ListPersonas(ListPersonasRequest request, ServerCallContext context) =>
        Task.FromResult(new ListPersonasResponse { Personas = { personas.All.Select(p => p.ToProto(p == personas.Default)) } });

    public override Task<GetProcessMemoryResponse> GetProcessMemory(GetProcessMemoryRequest request, ServerCallContext context) =>
        Task.FromResult(new GetProcessMemoryResponse { Memory = memory.Current.ToProto(models.Describe().Loaded) });

    public override async Task WatchStatus(WatchStatusRequest request, IServerStreamWriter<WatchStatusResponse> responseStream, ServerCallContext context)
    {
        using var watching = context.UntilStopping();
        try
        {
            await foreach (var snapshot in status.WatchAsync(watching.Token))
            {
                await responseStream.WriteAsync(snapshot.ToProto(), watching.Token);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away; that is how this stream ends.
        }
        catch (OperationCanceledException) when (context.IsStopping())
        {
            throw ShuttingDown("watch again");
        }
    }

    public override Task Chat(ChatRequest request, IServerStreamWriter<ChatResponse> responseStream, ServerCallContext context) =>
        StreamTurnAsync(reader.Read(request), context,
            (text, ct) => new ValueTask(responseStream.WriteAsync(new ChatResponse { Delta = text }, ct)),
            (stats, ct) => new ValueTask(responseStream.WriteAsync(new ChatResponse { Stats = stats }, ct)));

    public override Task Complete(CompleteRequest request, IServerStreamWriter<CompleteResponse> responseStream, ServerCallContext context) =>
        StreamTurnAsync(reader.Read(request), context,
            (text, ct) => new ValueTask(responseStream.WriteAsync(new CompleteResponse { Delta = text }, ct)),
            (stats, ct) => new ValueTask(responseStream.WriteAsync(new CompleteResponse { Stats = stats }, ct)));

    /// <summary>Runs a turn for a streaming RPC and maps the pipeline's failures to status codes.</summary>
    private async Task StreamTurnAsync(
        ChatTurn turn, ServerCallContext context, Func<string, CancellationToken, ValueTask> delta, Func<TurnStats, CancellationToken, ValueTask> stats)
    {
        // A restart ends the chats in flight at once, as UNAVAILABLE, rather than holding the shutdown up until
        // they finish or the model is freed under them.
        using var replying = context.UntilStopping();
        var answered = false;
        try
        {
            await chat.RunAsync(turn, delta, async (finished, ct) =>
            {
                // A stop that came after the last token still ends the call as a stop: the client retries.
                if (context.IsStopping())
                {
                    throw ShuttingDown("send the message again");
                }

                await stats(finished, ct);
                answered = true;
            }, replying.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException && context.IsStopping())
        {
            throw ShuttingDown("send the message again");
        }
        catch (ModelNotLoadedException exception)
        {
            throw NotLoaded(exception);
        }
        catch (PromptTooLongException exception)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, exception.Message));
        }
        catch (NothingToReplaceException exception)
        {
            throw new RpcException(new Status(StatusCode.NotFound, exception.Message));
        }
        catch (QueueFullException exception)
        {
            var trailers = new Metadata { { "retry-after-ms", ((int)exception.RetryAfter.TotalMilliseconds).ToString() } };
            throw new RpcException(new Status(StatusCode.ResourceExhausted, exception.Message), trailers);
        }
        catch (ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The model was unloaded during the reply."));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client left while the turn was still being prepared; there is nobody to answer.
        }
        catch (OperationCanceledException)
        {
            throw ConversationDeleted();
        }

        // A reply cut short by the service itself ends in a status, never as a stream without stats.
        if (!answered && !context.CancellationToken.IsCancellationRequested)
        {
            throw context.IsStopping() ? ShuttingDown("send the message again") : ConversationDeleted();
        }
    }

    // Nothing but a delete of its conversation cancels a turn whose caller is still there and whose service runs on.
    private static RpcException ConversationDeleted() =>
        new(new Status(StatusCode.Cancelled, "The reply was stopped because its conversation was deleted."));

    private LoadedModel.Lease AcquireModel() => models.TryAcquire() ?? throw NotLoaded(ModelNotLoadedException.For(models));

    // A model on its way is a wait (UNAVAILABLE: clients retry); no model is the owner's to fix (FAILED_PRECONDITION).
    private static RpcException NotLoaded(ModelNotLoadedException exception) =>
        new(new Status(exception.Loading ? StatusCode.Unavailable : StatusCode.FailedPrecondition, exception.Message));

    private static RpcException ShuttingDown(string retry) => ServiceStopping.ShuttingDown("inference", retry);
}
