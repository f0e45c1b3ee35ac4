using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Tomodachi.Knob.Controls;
using Tomodachi.Knob.Events;
using Tomodachi.Knob.V1;
using KnobEvent = Tomodachi.Knob.Events.KnobEvent;

namespace Tomodachi.Knob.Grpc;

/// <summary>The gRPC surface of the Knob service: validates, maps, and calls the knob's controls and event hub.</summary>
public sealed class KnobGrpcService(KnobControls knob, KnobEventHub hub) : KnobService.KnobServiceBase
{
    public const int MaxRotateSteps = 100;

    public override async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<WatchEventsResponse> responseStream,
        ServerCallContext context)
    {
        using var watcher = hub.Subscribe();
        using var watching = context.UntilStopping();
        // Headers go out once subscribed, so a client that awaits them knows no later event will be missed.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            await foreach (var watched in watcher.ReadAllAsync(watching.Token))
            {
                await responseStream.WriteAsync(new WatchEventsResponse
                {
                    Event = ToMessage(watched.Event),
                    DroppedBefore = watched.DroppedBefore,
                }, watching.Token);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher hung up or its deadline passed: the normal end of a watch.
        }
        catch (OperationCanceledException) when (context.IsStopping())
        {
            throw ServiceStopping.ShuttingDown("knob", "watch again");
        }
    }

    public override Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context) =>
        Task.FromResult(new GetStateResponse { State = ToMessage(knob.GetState()) });

    public override async Task<SimulateResponse> Simulate(SimulateRequest request, ServerCallContext context)
    {
        var simulator = knob.Simulator ?? throw new RpcException(new Status(StatusCode.PermissionDenied,
            $"The knob runs on real GPIO pins (driver {knob.DriverName}); Simulate only drives a simulated knob (Knob:Mode=simulated)."));
        var action = Validate(request);

        try
        {
            await action(simulator, context.CancellationToken);
        }
        catch (KnobSimulatorStateException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }

        return new SimulateResponse { State = ToMessage(knob.GetState()) };
    }

    private static Func<KnobSimulator, CancellationToken, Task> Validate(SimulateRequest request)
    {
        if (request.Action != SimulateAction.Rotate && request.Steps != 0)
        {
            throw InvalidArgument($"steps applies to SIMULATE_ACTION_ROTATE only; leave it 0 for {request.Action}.");
        }

        return request.Action switch
        {
            SimulateAction.Press => (s, ct) => s.PressAsync(ct),
            SimulateAction.Release => (s, ct) => s.ReleaseAsync(ct),
            SimulateAction.Click => (s, ct) => s.ClickAsync(ct),
            SimulateAction.LongPress => (s, ct) => s.LongPressAsync(ct),
            SimulateAction.Rotate when request.Steps == 0 =>
                throw InvalidArgument("steps must not be 0 for SIMULATE_ACTION_ROTATE: positive turns clockwise, negative counterclockwise."),
            // Not Math.Abs: it throws for int.MinValue.
            SimulateAction.Rotate when request.Steps is < -MaxRotateSteps or > MaxRotateSteps =>
                throw InvalidArgument($"steps must be between -{MaxRotateSteps} and {MaxRotateSteps}, not {request.Steps}."),
            SimulateAction.Rotate => (s, ct) => s.RotateAsync(request.Steps, ct),
            SimulateAction.Unspecified =>
                throw InvalidArgument("action is required: PRESS, RELEASE, CLICK, LONG_PRESS or ROTATE."),
            _ => throw InvalidArgument($"action {(int)request.Action} is not a known SimulateAction."),
        };
    }

    private static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static KnobState ToMessage(KnobSnapshot snapshot) => new()
    {
        Pressed = snapshot.Pressed,
        Position = snapshot.Position,
        LastEvent = snapshot.LastEvent is null ? null : ToMessage(snapshot.LastEvent),
        Mode = snapshot.IsHardware ? KnobMode.Hardware : KnobMode.Simulated,
        Driver = snapshot.DriverName,
    };

    private static V1.KnobEvent ToMessage(KnobEvent knobEvent) => new()
    {
        Type = knobEvent.Kind switch
        {
            KnobEventKind.Pressed => KnobEventType.Pressed,
            KnobEventKind.Released => KnobEventType.Released,
            KnobEventKind.LongPressed => KnobEventType.LongPressed,
            KnobEventKind.Rotated => KnobEventType.Rotated,
            _ => KnobEventType.Unspecified,
        },
        Delta = knobEvent.Delta,
        Position = knobEvent.Position,
        OccurredAt = Timestamp.FromDateTimeOffset(knobEvent.OccurredAt),
        Sequence = knobEvent.Sequence,
    };
}
