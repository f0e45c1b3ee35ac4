using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using Microsoft.Extensions.Options;

namespace Tomodachi.Knob.Gpio;

/// <summary>
/// Chooses the driver from <see cref="KnobOptions.Mode"/>: libgpiod (v1, else v2) on <c>/dev/gpiochipN</c> in hardware
/// mode, the in-memory chip otherwise. Auto picks hardware exactly when that device file exists.
/// </summary>
public sealed class GpioDriverProvider(IOptions<KnobOptions> options, ILogger<GpioDriverProvider> logger) : IGpioDriverProvider
{
    public OpenedGpioDriver Open()
    {
        var knob = options.Value;
        var chipPath = $"/dev/gpiochip{knob.GpioChip}";
        var hardware = knob.Mode switch
        {
            GpioMode.Hardware => true,
            GpioMode.Simulated => false,
            _ => File.Exists(chipPath),
        };

        if (!hardware)
        {
            logger.LogInformation("Knob runs on simulated pins (Knob:Mode {Mode}, {ChipPath} present: {ChipPresent})",
                knob.Mode, chipPath, File.Exists(chipPath));
            return OpenSimulated(knob);
        }

        if (!File.Exists(chipPath))
        {
            throw new InvalidOperationException(
                $"Knob:Mode is hardware but {chipPath} does not exist. Set Knob:GpioChip to a chip listed by `gpiodetect`, or Knob:Mode=simulated.");
        }

        if (GpioDriver.TryCreate(() => new LibGpiodDriver(knob.GpioChip), out var v1))
        {
            return new OpenedGpioDriver(v1, "libgpiod", Simulator: null);
        }

        if (GpioDriver.TryCreate(() => new LibGpiodV2Driver(knob.GpioChip), out var v2))
        {
            return new OpenedGpioDriver(v2, "libgpiod-v2", Simulator: null);
        }

        throw new InvalidOperationException(
            $"Knob:Mode is hardware but libgpiod could not be loaded for {chipPath}. Install it (`sudo apt-get install libgpiod2`) or set Knob:Mode=simulated.");
    }

    /// <summary>The simulated KY-040's on-board pull-ups hold CLK and DT high between detents.</summary>
    private static OpenedGpioDriver OpenSimulated(KnobOptions knob)
    {
        var simulator = new SimulatedGpioDriver();
        simulator.SetInputLevel(knob.PinA, PinValue.High);
        simulator.SetInputLevel(knob.PinB, PinValue.High);
        return new OpenedGpioDriver(simulator, "simulated", simulator);
    }
}
