using System.Threading.Channels;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>
/// A real gRPC InferenceService serving scripted chats and a scripted journal (see <see cref="ScriptedKnobService"/>
/// for why methods are bound by hand and virtual).
/// </summary>
[BindServiceMethod(typeof(ScriptedInferenceService), nameof(Bind))]
public class ScriptedInferenceService
{
    private const string ServiceName = "tomodachi.inference.v1.InferenceService";

    /// <summary>The deltas every chat replies with, in order.</summary>
    public IReadOnlyList<string> ReplyDeltas { get; set; } = ["Hello", ", camper", "!"];

    /// <summary>The journal, newest first, as ListTurns pages it.</summary>
    public List<Turn> Journal { get; } = [];

    public Channel<Turn> FinishedTurns { get; } = Channel.CreateUnbounded<Turn>();

    public List<ChatRequest> Requests { get; } = [];

    public List<Persona> Personas { get; } = [];

    public virtual async Task Chat(ChatRequest request, IServerStreamWriter<ChatResponse> responseStream, ServerCallContext context)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        foreach (var delta in ReplyDeltas)
        {
            await responseStream.WriteAsync(new ChatResponse { Delta = delta }, context.CancellationToken);
        }

        var stats = TestData.Turn(id: $"turn-{Requests.Count}", completionTokens: (uint)ReplyDeltas.Count);
        stats.SessionId = request.SessionId;
        await responseStream.WriteAsync(new ChatResponse { Stats = stats }, context.CancellationToken);
    }

    /// <summary>When set, the journal is this many turns made on demand ("turn-0" the oldest) instead of <see cref="Journal"/>.</summary>
    public int? GeneratedJournalSize { get; set; }

    /// <summary>When set, ListTurns answers UNAVAILABLE from this page on (0 = the first).</summary>
    public int? FailFromPage { get; set; }

    /// <summary>Pages as the real journal does: newest first, the token is where the next page starts.</summary>
    public virtual Task<ListTurnsResponse> ListTurns(ListTurnsRequest request, ServerCallContext context)
    {
        var offset = request.PageToken.Length == 0 ? 0 : int.Parse(request.PageToken, System.Globalization.CultureInfo.InvariantCulture);
        if (offset / Math.Max(1, (int)request.PageSize) >= FailFromPage)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the scripted journal went away"));
        }

        var all = GeneratedJournalSize is { } size
            ? Enumerable.Range(0, size).Select(i => new Turn { Stats = TestData.Turn($"turn-{size - 1 - i}") })
            : Journal.Where(t => request.SessionId.Length == 0 || t.Stats.SessionId == request.SessionId);
        var total = GeneratedJournalSize ?? all.Count();
        var page = all.Skip(offset).Take((int)request.PageSize).ToList();
        var next = offset + page.Count;
        return Task.FromResult(new ListTurnsResponse
        {
            Turns = { page },
            NextPageToken = next < total ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        });
    }

    public virtual Task<ListPersonasResponse> ListPersonas(ListPersonasRequest request, ServerCallContext context) =>
        Task.FromResult(new ListPersonasResponse { Personas = { Personas } });

    public virtual async Task WatchTurns(WatchTurnsRequest request, IServerStreamWriter<WatchTurnsResponse> responseStream, ServerCallContext context)
    {
        try
        {
            await foreach (var turn in FinishedTurns.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(new WatchTurnsResponse { Turn = turn }, context.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    public static void Bind(ServiceBinderBase binder, ScriptedInferenceService? service)
    {
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.ServerStreaming, "Chat", ChatRequest.Parser, ChatResponse.Parser),
            (ServerStreamingServerMethod<ChatRequest, ChatResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "ListTurns", ListTurnsRequest.Parser, ListTurnsResponse.Parser),
            (UnaryServerMethod<ListTurnsRequest, ListTurnsResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "ListPersonas", ListPersonasRequest.Parser, ListPersonasResponse.Parser),
            (UnaryServerMethod<ListPersonasRequest, ListPersonasResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.ServerStreaming, "WatchTurns", WatchTurnsRequest.Parser, WatchTurnsResponse.Parser),
            (ServerStreamingServerMethod<WatchTurnsRequest, WatchTurnsResponse>)null!);
    }
}
