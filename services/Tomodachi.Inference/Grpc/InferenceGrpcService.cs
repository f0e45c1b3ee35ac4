using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Configuration;
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
    PersonaCatalog personas,
    StatusBoard status,
    IOptions<InferenceOptions> options) : InferenceService.InferenceServiceBase
{
    public override Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(new GetModelResponse { Model = models.Describe().ToProto() });


    public override async Task<UnloadModelResponse> UnloadModel(UnloadModelRequest request, ServerCallContext context)
    {
        var before = ProcessMemoryReader.Read().RssBytes;
        var model = await models.UnloadAsync(context.CancellationToken);
        return new UnloadModelResponse { Model = model.ToProto(), RssBytesBefore = before, RssBytesAfter = ProcessMemoryReader.Read().RssBytes };
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
        Task.FromResult(new GetProcessMemoryResponse { Memory = ProcessMemoryReader.Read().ToProto(models.Describe().Loaded) });

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

    public override async Task Chat(ChatRequest request, IServerStreamWriter<ChatResponse> responseStream, ServerCallContext context)
    {
        var turn = Validate(request);
        // A restart ends the chats in flight at once, as UNAVAILABLE, rather than holding the shutdown up until
        // they finish or the model is freed under them.
        using var replying = context.UntilStopping();
        Turn result;
        try
        {
            result = await chat.RunAsync(turn,
                (text, ct) => new ValueTask(responseStream.WriteAsync(new ChatResponse { Delta = text }, ct)),
                replying.Token);
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
        catch (QueueFullException exception)
        {
            var trailers = new Metadata { { "retry-after-ms", ((int)exception.RetryAfter.TotalMilliseconds).ToString() } };
            throw new RpcException(new Status(StatusCode.ResourceExhausted, exception.Message), trailers);
        }
        catch (ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The model was unloaded during the reply."));
        }

        if (context.IsStopping())
        {
            throw ShuttingDown("send the message again");
        }

        if (context.CancellationToken.IsCancellationRequested)
        {
            return;
        }

        await responseStream.WriteAsync(new ChatResponse { Stats = result.Stats }, context.CancellationToken);
        await chat.RememberAsync(result, context.CancellationToken);
    }

    private ChatTurn Validate(ChatRequest request)
    {
        if (!SessionIdPattern().IsMatch(request.SessionId))
        {
            throw InvalidArgument("session_id must be 1 to 64 characters of letters, digits, '-', '_' or '.'.");
        }

        if (string.IsNullOrWhiteSpace(request.Message))
        {
            throw InvalidArgument("message is empty; send some text.");
        }

        var bytes = Encoding.UTF8.GetByteCount(request.Message);
        if (bytes > options.Value.MaxMessageBytes)
        {
            throw InvalidArgument($"message is {bytes} bytes; the limit is {options.Value.MaxMessageBytes} bytes.");
        }

        if (request.Persona.Length > 0 && personas.Find(request.Persona) is null)
        {
            throw InvalidArgument($"Unknown persona '{UserInput.Excerpt(request.Persona)}'; known personas: {string.Join(", ", personas.All.Select(p => p.Name))}.");
        }

        var context = models.Describe() is { Loaded: true } model ? model.ContextLength : (uint)options.Value.ContextSize;
        if (request.HasMaxTokens && (request.MaxTokens == 0 || request.MaxTokens > context))
        {
            throw InvalidArgument($"max_tokens must be between 1 and the context length {context}; got {request.MaxTokens}.");
        }

        return new ChatTurn(request.SessionId, request.Message, request.Persona.Length > 0 ? request.Persona : null,
            request.HasMaxTokens ? (int)request.MaxTokens : null, ValidateSampling(request.Sampling));
    }

    private static SamplingOverrides? ValidateSampling(Sampling? sampling)
    {
        if (sampling is null)
        {
            return null;
        }

        if (sampling.HasTemperature && sampling.Temperature is < 0 or > 5 or float.NaN)
        {
            throw InvalidArgument($"sampling.temperature must be between 0 and 5; got {sampling.Temperature}.");
        }

        if (sampling.HasTopP && !(sampling.TopP is > 0 and <= 1))
        {
            throw InvalidArgument($"sampling.top_p must be in (0, 1]; got {sampling.TopP}.");
        }

        if (sampling.HasRepeatPenalty && !(sampling.RepeatPenalty is > 0 and <= 5))
        {
            throw InvalidArgument($"sampling.repeat_penalty must be in (0, 5]; got {sampling.RepeatPenalty}.");
        }

        return new SamplingOverrides(
            sampling.HasTemperature ? sampling.Temperature : null,
            sampling.HasTopP ? sampling.TopP : null,
            sampling.HasTopK ? (int)Math.Min(sampling.TopK, int.MaxValue) : null,
            sampling.HasRepeatPenalty ? sampling.RepeatPenalty : null,
            sampling.HasSeed ? sampling.Seed : null);
    }

    private LoadedModel.Lease AcquireModel() => models.TryAcquire() ?? throw NotLoaded(ModelNotLoadedException.For(models));

    // A model on its way is a wait (UNAVAILABLE: clients retry); no model is the owner's to fix (FAILED_PRECONDITION).
    private static RpcException NotLoaded(ModelNotLoadedException exception) =>
        new(new Status(exception.Loading ? StatusCode.Unavailable : StatusCode.FailedPrecondition, exception.Message));

    private static RpcException ShuttingDown(string retry) => ServiceStopping.ShuttingDown("inference", retry);

    private static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SessionIdPattern();
}
