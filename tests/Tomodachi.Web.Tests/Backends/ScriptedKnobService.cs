using System.Threading.Channels;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Tomodachi.Knob.V1;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>
/// A real gRPC KnobService over HTTP/2 whose events the test writes, for the web side's client code.
/// The web assembly holds the client-generated contract types, so the service binds its methods by hand
/// (Grpc.AspNetCore finds them by name) rather than by a second generated base class. Grpc.AspNetCore only
/// binds virtual methods declared on the bound type, hence the class is not sealed.
/// </summary>
[BindServiceMethod(typeof(ScriptedKnobService), nameof(Bind))]
public class ScriptedKnobService
{
    private const string ServiceName = "tomodachi.knob.v1.KnobService";
    private readonly Lock gate = new();
    private readonly List<Channel<KnobEvent>> watchers = [];
    private long sequence;

    public KnobState State { get; } = new() { Mode = KnobMode.Simulated, Driver = "scripted" };

    public int WatcherCount
    {
        get
        {
            lock (gate)
            {
                return watchers.Count;
            }
        }
    }

    public void Emit(KnobEventType type, int delta = 0)
    {
        KnobEvent knobEvent;
        lock (gate)
        {
            State.Position += delta;
            State.Pressed = type switch
            {
                KnobEventType.Pressed => true,
                KnobEventType.Released => false,
                _ => State.Pressed,
            };
            knobEvent = new KnobEvent { Type = type, Delta = delta, Position = State.Position, Sequence = (ulong)Interlocked.Increment(ref sequence) };
            State.LastEvent = knobEvent;
            foreach (var watcher in watchers)
            {
                watcher.Writer.TryWrite(knobEvent);
            }
        }
    }

    public virtual Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        lock (gate)
        {
            return Task.FromResult(new GetStateResponse { State = State.Clone() });
        }
    }

    public virtual async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<WatchEventsResponse> responseStream, ServerCallContext context)
    {
        var channel = Channel.CreateUnbounded<KnobEvent>();
        lock (gate)
        {
            watchers.Add(channel);
        }

        try
        {
            await foreach (var knobEvent in channel.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(new WatchEventsResponse { Event = knobEvent }, context.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            lock (gate)
            {
                watchers.Remove(channel);
            }
        }
    }

    public static void Bind(ServiceBinderBase binder, ScriptedKnobService? service)
    {
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "GetState", GetStateRequest.Parser, GetStateResponse.Parser),
            (UnaryServerMethod<GetStateRequest, GetStateResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.ServerStreaming, "WatchEvents", WatchEventsRequest.Parser, WatchEventsResponse.Parser),
            (ServerStreamingServerMethod<WatchEventsRequest, WatchEventsResponse>)null!);
    }
}
