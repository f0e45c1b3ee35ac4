using System.Device.Gpio;
using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Tests;

/// <summary>The encoder through its pins: the QuadratureRotaryEncoder binding decides direction and debounce.</summary>
public sealed class EncoderTests
{
    [Fact]
    public async Task A_detent_where_B_leads_counts_up_and_one_where_A_leads_counts_down()
    {
        await using var knob = KnobHost.StartWithPins(new Dictionary<string, string?> { ["Knob:EncoderDebounceMs"] = "0" });
        using var watch = await knob.WatchAsync();
        var (a, b) = (knob.Options.PinA, knob.Options.PinB);

        Detent(knob, first: b, second: a);
        Detent(knob, first: b, second: a);
        Detent(knob, first: a, second: b);

        var events = await watch.ReadAsync(3);
        Assert.All(events, e => Assert.Equal(KnobEventType.Rotated, e.Event.Type));
        Assert.Equal([1, 1, -1], events.Select(e => e.Event.Delta));
        Assert.Equal([1L, 2L, 1L], events.Select(e => e.Event.Position));
    }

    [Fact]
    public async Task A_bouncing_A_contact_within_the_encoder_debounce_counts_one_step()
    {
        await using var knob = KnobHost.StartWithPins(new Dictionary<string, string?> { ["Knob:EncoderDebounceMs"] = "100" });
        using var watch = await knob.WatchAsync();
        var (a, b) = (knob.Options.PinA, knob.Options.PinB);
        await Task.Delay(TimeSpan.FromMilliseconds(150)); // the binding's debounce clock starts with it

        knob.Pins.SetInputLevel(b, PinValue.Low);
        knob.Pins.SetInputLevel(a, PinValue.Low);
        knob.Pins.SetInputLevel(a, PinValue.High);
        knob.Pins.SetInputLevel(a, PinValue.Low);
        knob.Pins.SetInputLevel(b, PinValue.High);
        knob.Pins.SetInputLevel(a, PinValue.High);
        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Click });

        // One rotation, then the click: the bounce added no second step.
        var events = await watch.ReadAsync(2);
        Assert.Equal([KnobEventType.Rotated, KnobEventType.Pressed], events.Types());
        Assert.Equal(1, events[0].Event.Position);
    }

    [Fact]
    public async Task Simulated_rotation_turns_both_ways_one_event_per_detent()
    {
        await using var knob = KnobHost.Start();
        using var watch = await knob.WatchAsync();

        var afterForward = await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = 3 });
        var afterBack = await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = -5 });

        var events = await watch.ReadAsync(8);
        Assert.Equal([1, 1, 1, -1, -1, -1, -1, -1], events.Select(e => e.Event.Delta));
        Assert.Equal([1L, 2L, 3L, 2L, 1L, 0L, -1L, -2L], events.Select(e => e.Event.Position));
        Assert.Equal(3, afterForward.State.Position);
        Assert.Equal(-2, afterBack.State.Position);
    }

    /// <summary>One detent: both contacts close in the given order, then open in the same order (a Gray code cycle).</summary>
    private static void Detent(KnobHost knob, int first, int second)
    {
        knob.Pins.SetInputLevel(first, PinValue.Low);
        knob.Pins.SetInputLevel(second, PinValue.Low);
        knob.Pins.SetInputLevel(first, PinValue.High);
        knob.Pins.SetInputLevel(second, PinValue.High);
    }
}
