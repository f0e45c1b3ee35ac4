using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Knob.V1;

namespace Tomodachi.Web.Feeds;

/// <summary>The knob's state, and the event that produced it when one did (none for the snapshot read on connect).</summary>
public sealed record KnobSnapshot(KnobState State, KnobEvent? NewEvent);

/// <summary>
/// Reads the knob's state once on connect (WatchEvents has no snapshot), then follows KnobService.WatchEvents,
/// keeping "pressed" and the position current and passing every event on for navigation.
/// </summary>
public sealed class KnobFeed(
    KnobService.KnobServiceClient client,
    TimeProvider time,
    IOptions<FeedOptions> options,
    ILogger<KnobFeed> logger)
    : StreamFeed<KnobSnapshot>(time, options, logger)
{
    /// <summary>Every new knob event, in order, on the feed's thread.</summary>
    public event Action<KnobEvent>? EventReceived;

    protected override string RpcName => "KnobService.WatchEvents";

    protected override async IAsyncEnumerable<KnobSnapshot> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe before reading the state, so no event falls between the two.
        using var call = client.WatchEvents(new WatchEventsRequest(), cancellationToken: cancellationToken);
        var state = (await client.GetStateAsync(new GetStateRequest(), cancellationToken: cancellationToken)).State ?? new KnobState();
        yield return new KnobSnapshot(state, null);

        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (response.Event is not { } knobEvent || knobEvent.Sequence <= state.LastEvent?.Sequence)
            {
                continue;
            }

            state = Apply(state, knobEvent);
            yield return new KnobSnapshot(state, knobEvent);
        }
    }

    protected override void OnReceived(KnobSnapshot message, DateTimeOffset receivedAt)
    {
        if (message.NewEvent is { } knobEvent)
        {
            EventReceived?.Invoke(knobEvent);
        }
    }

    internal static KnobState Apply(KnobState state, KnobEvent knobEvent)
    {
        var next = state.Clone();
        next.Position = knobEvent.Position;
        next.LastEvent = knobEvent;
        next.Pressed = knobEvent.Type switch
        {
            KnobEventType.Pressed or KnobEventType.LongPressed => true,
            KnobEventType.Released => false,
            _ => state.Pressed,
        };
        return next;
    }
}
