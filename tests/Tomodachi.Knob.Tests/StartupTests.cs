using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Tests;

/// <summary>Configuration checked at start-up, and the choice of pins.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Knob:PinB", "17", "Knob:PinA and Knob:PinB share GPIO 17")]
    [InlineData("Knob:ButtonPin", "27", "Knob:PinB and Knob:ButtonPin share GPIO 27")]
    [InlineData("Knob:DebounceMs", "-5", "Knob:DebounceMs must be between 0 and 500 milliseconds")]
    [InlineData("Knob:LongPressMs", "0", "Knob:LongPressMs must be between 50 and 60000 milliseconds")]
    [InlineData("Knob:WatcherBufferSize", "0", "Knob:WatcherBufferSize must be between 1 and 100000 events")]
    [InlineData("Knob:PinA", "-1", "Knob:PinA must be a GPIO line number between 0 and 1023")]
    public async Task Bad_options_stop_the_service_at_startup_with_a_readable_error(string key, string value, string message)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var knob = KnobHost.Start(new Dictionary<string, string?> { [key] = value });
        });

        Assert.Contains(message, failure.Message);
    }

    [Fact]
    public async Task Hardware_mode_without_the_gpio_chip_stops_the_service_at_startup()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var knob = KnobHost.Start(new Dictionary<string, string?>
            {
                ["Knob:Mode"] = "hardware",
                ["Knob:GpioChip"] = "63",
            });
        });

        Assert.Contains("/dev/gpiochip63 does not exist", failure.Message);
    }

    [Fact]
    public async Task Auto_mode_without_the_gpio_chip_runs_on_simulated_pins()
    {
        await using var knob = KnobHost.Start(new Dictionary<string, string?>
        {
            ["Knob:Mode"] = "auto",
            ["Knob:GpioChip"] = "63",
        });

        var state = (await knob.Client.GetStateAsync(new GetStateRequest())).State;

        Assert.Equal(KnobMode.Simulated, state.Mode);
        Assert.Equal("simulated", state.Driver);
        Assert.Equal(0, state.Position);
        Assert.False(state.Pressed);
    }

    [Fact]
    public async Task Event_times_come_from_the_time_provider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 5, 4, 3, 2, 1, TimeSpan.Zero));
        await using var knob = KnobHost.Start(time: time);
        using var watch = await knob.WatchAsync();

        await knob.Client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = 1 });

        var rotated = (await watch.ReadAsync(1))[0];
        Assert.Equal(time.GetUtcNow(), rotated.Event.OccurredAt.ToDateTimeOffset());
    }
}
