using System.Device.Gpio;
using Tomodachi.Knob.Gpio;

namespace Tomodachi.Knob.Tests;

/// <summary>The in-memory chip behaves like a GPIO chip to anything using GpioController, not only the bindings.</summary>
public sealed class SimulatedGpioDriverTests
{
    [Fact]
    public void An_undriven_input_follows_its_pull_resistor_and_a_driven_one_its_driver()
    {
        var pins = new SimulatedGpioDriver();
        using var controller = new GpioController(pins);

        controller.OpenPin(5, PinMode.InputPullUp);
        controller.OpenPin(6, PinMode.InputPullDown);
        var pulledUp = controller.Read(5);
        var pulledDown = controller.Read(6);
        pins.SetInputLevel(5, PinValue.Low);

        Assert.Equal(PinValue.High, pulledUp);
        Assert.Equal(PinValue.Low, pulledDown);
        Assert.Equal(PinValue.Low, controller.Read(5));
    }

    [Fact]
    public async Task Waiting_for_an_edge_returns_the_edge_that_came()
    {
        var pins = new SimulatedGpioDriver();
        using var controller = new GpioController(pins);
        controller.OpenPin(5, PinMode.InputPullUp);

        var waiting = controller.WaitForEventAsync(5, PinEventTypes.Falling, KnobHost.Patience).AsTask();
        // The wait registers on another thread: pulse until it has seen a falling edge, a bounded number of times.
        for (var pulse = 0; pulse < 1000 && !waiting.IsCompleted; pulse++)
        {
            pins.SetInputLevel(5, PinValue.Low);
            pins.SetInputLevel(5, PinValue.High);
            await Task.Delay(10);
        }

        var result = await waiting;
        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Falling, result.EventTypes);
    }

    [Fact]
    public void Waiting_for_an_edge_that_never_comes_times_out()
    {
        using var controller = new GpioController(new SimulatedGpioDriver());
        controller.OpenPin(5, PinMode.InputPullUp);

        var result = controller.WaitForEvent(5, PinEventTypes.Rising, TimeSpan.FromMilliseconds(50));

        Assert.True(result.TimedOut);
    }

    [Fact]
    public void An_output_reads_what_was_written_and_an_undriven_input_without_pull_reads_low()
    {
        using var controller = new GpioController(new SimulatedGpioDriver());
        controller.OpenPin(5, PinMode.Output);
        controller.Write(5, PinValue.High);
        var output = controller.Read(5);
        controller.SetPinMode(5, PinMode.Input);

        Assert.Equal(PinValue.High, output);
        Assert.Equal(PinValue.Low, controller.Read(5));
    }
}
