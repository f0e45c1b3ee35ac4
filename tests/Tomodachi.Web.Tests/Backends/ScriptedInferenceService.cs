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

    /// <summary>When set, a chat waits for it after each delta, so a test can stop a reply under way.</summary>
    public TaskCompletionSource? HoldReply { get; set; }

    /// <summary>Method name to the status it fails with; a failed chat generates and journals nothing.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, Status> Failures { get; } = new();

    /// <summary>
    /// Streams <see cref="ReplyDeltas"/> and journals the turn as the real service does: newest first, a stopped reply
    /// with stop reason cancelled and no stats sent, a replaced turn marked replaced (NOT_FOUND when there is none), a
    /// private turn not at all.
    /// </summary>
    public virtual async Task Chat(ChatRequest request, IServerStreamWriter<ChatResponse> responseStream, ServerCallContext context)
    {
        int number;
        lock (Requests)
        {
            Requests.Add(request);
            number = Requests.Count;
        }

        FailIfScripted(nameof(Chat));
        var replaced = request.ReplaceLastTurn
            ? LastTurnOf(request.SessionId) ?? throw new RpcException(new Status(StatusCode.NotFound, "The conversation has no turn to replace."))
            : null;
        var reply = new System.Text.StringBuilder();
        var stop = StopReason.EndOfGeneration;
        try
        {
            foreach (var delta in ReplyDeltas)
            {
                await responseStream.WriteAsync(new ChatResponse { Delta = delta }, context.CancellationToken);
                reply.Append(delta);
                if (HoldReply is { } hold)
                {
                    await hold.Task.WaitAsync(context.CancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            stop = StopReason.Cancelled;
        }

        var stats = TestData.Turn(id: $"turn-{number}", completionTokens: (uint)ReplyDeltas.Count);
        stats.SessionId = request.SessionId;
        stats.StopReason = stop;
        stats.Persona = request.Persona;
        stats.ReplacedTurnId = replaced?.Stats.TurnId ?? "";
        stats.FinishedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        lock (Journal)
        {
            if (!request.PrivateChat)
            {
                replaced?.Replaced = true;
                Journal.Insert(0, new Turn { Stats = stats, UserMessage = request.Message, Reply = reply.ToString() });
            }
        }

        if (stop != StopReason.Cancelled)
        {
            await responseStream.WriteAsync(new ChatResponse { Stats = stats }, context.CancellationToken);
        }
    }

    /// <summary>The newest turn of a conversation that no later turn replaced.</summary>
    public Turn? LastTurnOf(string sessionId)
    {
        lock (Journal)
        {
            return Journal.FirstOrDefault(t => t.Stats.SessionId == sessionId && !t.Replaced);
        }
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

        List<Turn> all;
        lock (Journal)
        {
            all = GeneratedJournalSize is { } size
                ? [.. Enumerable.Range(0, size).Select(i => new Turn { Stats = TestData.Turn($"turn-{size - 1 - i}") })]
                : [.. Journal.Where(t => request.SessionId.Length == 0 || t.Stats.SessionId == request.SessionId)];
        }

        var total = all.Count;
        var page = all.Skip(offset).Take((int)request.PageSize).ToList();
        var next = offset + page.Count;
        return Task.FromResult(new ListTurnsResponse
        {
            Turns = { page },
            NextPageToken = next < total ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        });
    }

    public virtual Task<ListPersonasResponse> ListPersonas(ListPersonasRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(ListPersonas));
        return Task.FromResult(new ListPersonasResponse { Personas = { Personas } });
    }

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

    private void FailIfScripted(string method)
    {
        if (Failures.TryGetValue(method, out var status))
        {
            throw new RpcException(status);
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
