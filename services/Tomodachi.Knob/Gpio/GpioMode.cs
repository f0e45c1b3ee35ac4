namespace Tomodachi.Knob.Gpio;

/// <summary>Which pins the knob's bindings run on.</summary>
public enum GpioMode
{
    /// <summary>Hardware when the configured <c>/dev/gpiochipN</c> exists, otherwise simulated.</summary>
    Auto,

    /// <summary>Real pins through libgpiod; <c>Simulate</c> is refused.</summary>
    Hardware,

    /// <summary>Pins of <see cref="SimulatedGpioDriver"/>, driven by <c>Simulate</c>.</summary>
    Simulated,
}
