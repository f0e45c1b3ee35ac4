using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Tests;

/// <summary>The button through its pin: the GpioButton binding's own debounce and holding logic, over gRPC.</summary>
public sealed class ButtonTests
{
    [Fact]
    public async Task Pulling_the_button_pin_low_and_high_streams_pressed_then_released()
    {
        await using var knob = KnobHost.StartWithPins();
        using var watch = await knob.WatchAsync();

        knob.Press();
        var pressed = (await watch.ReadAsync(1))[0];
        var whilePressed = (await knob.Client.GetStateAsync(new GetStateRequest())).State;
        knob.Release();
        var released = (await watch.ReadAsync(1))[0];

        Assert.Equal(KnobEventType.Pressed, pressed.Event.Type);
        Assert.True(whilePressed.Pressed);
        Assert.Equal(KnobEventType.Released, released.Event.Type);
        Assert.Equal(pressed.Event.Sequence + 1, released.Event.Sequence);
        Assert.True(released.Event.OccurredAt.ToDateTimeOffset() >= pressed.Event.OccurredAt.ToDateTimeOffset());
        var after = (await knob.Client.GetStateAsync(new GetStateRequest())).State;
        Assert.False(after.Pressed);
        Assert.Equal(released.Event, after.LastEvent);
    }

    [Fact]
    public async Task Contact_bounce_after_a_release_is_filtered_by_the_debounce()
    {
        // Far longer than the microseconds between the bounce edges below, however busy the machine.
        await using var knob = KnobHost.StartWithPins(new Dictionary<string, string?> { ["Knob:DebounceMs"] = "400" });
        using var watch = await knob.WatchAsync();

        knob.Press();
        knob.Release();
        for (var bounce = 0; bounce < 3; bounce++)
        {
            knob.Press();
            knob.Release();
        }

        await Task.Delay(TimeSpan.FromMilliseconds(450));
        knob.Press();

        // The first two events, then the genuine press: the bounce produced nothing in between.
        var events = await watch.ReadAsync(3);
        Assert.Equal([KnobEventType.Pressed, KnobEventType.Released, KnobEventType.Pressed], events.Types());
        Assert.Equal(events[0].Event.Sequence + 2, events[2].Event.Sequence);
    }

    [Fact]
    public async Task Holding_the_button_past_the_long_press_time_streams_long_pressed_before_released()
    {
        await using var knob = KnobHost.StartWithPins(KnobHost.QuickLongPress);
        using var watch = await knob.WatchAsync();

        knob.Press();
        var held = await watch.ReadAsync(2);
        knob.Release();
        var released = await watch.ReadAsync(1);

        Assert.Equal([KnobEventType.Pressed, KnobEventType.LongPressed], held.Types());
        Assert.Equal(KnobEventType.Released, released[0].Event.Type);
    }

    [Fact]
    public async Task A_press_released_before_the_long_press_time_is_not_a_long_press()
    {
        await using var knob = KnobHost.StartWithPins(KnobHost.QuickLongPress);
        using var watch = await knob.WatchAsync();

        knob.Press();
        knob.Release();
        await Task.Delay(TimeSpan.FromMilliseconds(3 * knob.Options.LongPressMs));
        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = 1 });

        // Had the holding timer survived the release, a long press would sit between these.
        Assert.Equal([KnobEventType.Pressed, KnobEventType.Released, KnobEventType.Rotated], (await watch.ReadAsync(3)).Types());
    }
}
