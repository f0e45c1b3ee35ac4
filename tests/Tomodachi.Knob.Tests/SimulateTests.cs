using Grpc.Core;
using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Tests;

/// <summary>What Simulate accepts, refuses, and does.</summary>
public sealed class SimulateTests
{
    [Fact]
    public async Task Simulated_click_and_long_press_stream_the_button_events_in_order()
    {
        await using var knob = KnobHost.Start(KnobHost.QuickLongPress);
        using var watch = await knob.WatchAsync();

        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Click });
        var afterLongPress = await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.LongPress });

        Assert.Equal(
            [KnobEventType.Pressed, KnobEventType.Released, KnobEventType.Pressed, KnobEventType.LongPressed, KnobEventType.Released],
            (await watch.ReadAsync(5)).Types());
        Assert.False(afterLongPress.State.Pressed);
        Assert.Equal(KnobEventType.Released, afterLongPress.State.LastEvent.Type);
        Assert.Equal(KnobMode.Simulated, afterLongPress.State.Mode);
        Assert.Equal("simulated", afterLongPress.State.Driver);
    }

    [Fact]
    public async Task Simulated_press_holds_the_button_until_a_simulated_release()
    {
        await using var knob = KnobHost.Start();

        var pressed = await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Press });
        var released = await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Release });

        Assert.True(pressed.State.Pressed);
        Assert.Equal(KnobEventType.Pressed, pressed.State.LastEvent.Type);
        Assert.False(released.State.Pressed);
        Assert.Equal(KnobEventType.Released, released.State.LastEvent.Type);
    }

    [Fact]
    public async Task Simulate_in_hardware_mode_is_refused_with_PermissionDenied_while_real_edges_still_stream()
    {
        await using var knob = KnobHost.StartWithPins(asHardware: true);
        using var watch = await knob.WatchAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Click }).ResponseAsync);
        knob.Press();

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("real GPIO pins", refused.Status.Detail);
        Assert.Equal(KnobEventType.Pressed, (await watch.ReadAsync(1))[0].Event.Type);
        var state = (await knob.Client.GetStateAsync(new GetStateRequest())).State;
        Assert.Equal(KnobMode.Hardware, state.Mode);
        Assert.Equal("libgpiod (simulated pins)", state.Driver);
        Assert.True(state.Pressed);
    }

    [Theory]
    [InlineData(SimulateAction.Unspecified, 0, "action is required")]
    [InlineData(SimulateAction.Rotate, 0, "steps must not be 0")]
    [InlineData(SimulateAction.Rotate, 101, "between -100 and 100")]
    [InlineData(SimulateAction.Rotate, -101, "between -100 and 100")]
    [InlineData(SimulateAction.Rotate, int.MinValue, "between -100 and 100")]
    [InlineData(SimulateAction.Click, 3, "steps applies to SIMULATE_ACTION_ROTATE only")]
    [InlineData((SimulateAction)42, 0, "not a known SimulateAction")]
    public async Task Simulate_with_bad_input_is_rejected_with_InvalidArgument(SimulateAction action, int steps, string message)
    {
        await using var knob = KnobHost.Start();

        var rejected = await Assert.ThrowsAsync<RpcException>(() =>
            knob.Client.SimulateAsync(new SimulateRequest { Action = action, Steps = steps }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, rejected.StatusCode);
        Assert.Contains(message, rejected.Status.Detail);
        Assert.Null((await knob.Client.GetStateAsync(new GetStateRequest())).State.LastEvent);
    }

    [Fact]
    public async Task Releasing_a_button_that_is_not_pressed_fails_with_FailedPrecondition()
    {
        await using var knob = KnobHost.Start();

        var rejected = await Assert.ThrowsAsync<RpcException>(() =>
            knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Release }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, rejected.StatusCode);
        Assert.Contains("not pressed", rejected.Status.Detail);
    }

    [Fact]
    public async Task Pressing_a_button_that_is_already_pressed_fails_with_FailedPrecondition()
    {
        await using var knob = KnobHost.Start();
        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Press });

        var rejected = await Assert.ThrowsAsync<RpcException>(() =>
            knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Click }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, rejected.StatusCode);
        Assert.Contains("already pressed", rejected.Status.Detail);
    }
}
