using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>
/// What the stand-in inference service answers and what it was asked. A test sets the parts it needs; by default
/// Complete streams "Hello" and " there" and ends as the real service does, with the stats.
/// </summary>
internal sealed class InferenceScript
{
    public ModelInfo Model { get; set; } = new() { Id = "test-model", Loaded = true, ContextLength = 2048 };

    public List<string> Personas { get; } = ["tomodachi", "coach"];

    public ConcurrentQueue<CompleteRequest> Received { get; } = new();

    public Func<CompleteRequest, IServerStreamWriter<CompleteResponse>, ServerCallContext, Task> Complete { get; set; } = ReplyAsync(["Hello", " there"]);

    /// <summary>Completes when a Complete call's caller went away while it was running.</summary>
    public TaskCompletionSource CallerLeft { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TurnStats Stats(StopReason stop = StopReason.EndOfGeneration) => new()
    {
        PromptTokens = 31,
        CompletionTokens = 2,
        CachedPromptTokens = 12,
        StopReason = stop,
    };

    public static Func<CompleteRequest, IServerStreamWriter<CompleteResponse>, ServerCallContext, Task> ReplyAsync(
        IEnumerable<string> deltas, StopReason stop = StopReason.EndOfGeneration) => async (_, writer, context) =>
    {
        foreach (var delta in deltas)
        {
            await writer.WriteAsync(new CompleteResponse { Delta = delta }, context.CancellationToken);
        }

        await writer.WriteAsync(new CompleteResponse { Stats = Stats(stop) }, context.CancellationToken);
    };

    public static Func<CompleteRequest, IServerStreamWriter<CompleteResponse>, ServerCallContext, Task> Fail(Status status, Metadata? trailers = null) =>
        (_, _, _) => throw new RpcException(status, trailers ?? []);
}

/// <summary>
/// The parts of tomodachi.inference.v1.InferenceService the OpenAI door calls, bound by hand as the generated base
/// class would be (the gateway's copy of the contract has clients only): gRPC finds each handler as an override of
/// the bound type's method.
/// </summary>
[BindServiceMethod(typeof(InferenceServiceBinding), nameof(BindService))]
internal abstract class InferenceServiceBinding
{
    private const string Service = "tomodachi.inference.v1.InferenceService";

    public abstract Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context);

    public abstract Task<ListPersonasResponse> ListPersonas(ListPersonasRequest request, ServerCallContext context);

    public abstract Task Complete(CompleteRequest request, IServerStreamWriter<CompleteResponse> responseStream, ServerCallContext context);

    public static void BindService(ServiceBinderBase binder, InferenceServiceBinding? service)
    {
        binder.AddMethod(Method<GetModelRequest, GetModelResponse>(MethodType.Unary, "GetModel"),
            service is null ? null : new UnaryServerMethod<GetModelRequest, GetModelResponse>(service.GetModel));
        binder.AddMethod(Method<ListPersonasRequest, ListPersonasResponse>(MethodType.Unary, "ListPersonas"),
            service is null ? null : new UnaryServerMethod<ListPersonasRequest, ListPersonasResponse>(service.ListPersonas));
        binder.AddMethod(Method<CompleteRequest, CompleteResponse>(MethodType.ServerStreaming, "Complete"),
            service is null ? null : new ServerStreamingServerMethod<CompleteRequest, CompleteResponse>(service.Complete));
    }

    private static Method<TRequest, TResponse> Method<TRequest, TResponse>(MethodType type, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() => HandBound.Method<TRequest, TResponse>(type, Service, name);
}

/// <summary>The stand-in inference service: answers as its <see cref="InferenceScript"/> says and records what it was asked.</summary>
internal sealed class ScriptedInferenceService(InferenceScript script) : InferenceServiceBinding
{
    public override Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(new GetModelResponse { Model = script.Model });

    public override Task<ListPersonasResponse> ListPersonas(ListPersonasRequest request, ServerCallContext context) =>
        Task.FromResult(new ListPersonasResponse { Personas = { script.Personas.Select(name => new Persona { Name = name }) } });

    public override async Task Complete(CompleteRequest request, IServerStreamWriter<CompleteResponse> responseStream, ServerCallContext context)
    {
        script.Received.Enqueue(request);
        try
        {
            await script.Complete(request, responseStream, context);
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
            script.CallerLeft.TrySetResult();
            throw;
        }
    }
}
