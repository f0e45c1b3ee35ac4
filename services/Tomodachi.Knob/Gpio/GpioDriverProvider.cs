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

        var driver = TryOpen(() => new LibGpiodDriver(knob.GpioChip), chipPath, "libgpiod")
            ?? TryOpen(() => new LibGpiodV2Driver(knob.GpioChip), chipPath, "libgpiod-v2")
            ?? throw new InvalidOperationException(
                $"Knob:Mode is {knob.Mode} and {chipPath} exists, but libgpiod could not be loaded. Install it (`sudo apt-get install libgpiod2`) or set Knob:Mode=simulated.");
        logger.LogInformation("Knob runs on {ChipPath} through {Driver}", chipPath, driver.Name);
        return driver;
    }

    /// <summary>
    /// Null when this libgpiod generation is not installed: each driver class binds one library version, and the v1
    /// class fails in its static constructor when only v2 is present.
    /// </summary>
    private static OpenedGpioDriver? TryOpen(Func<GpioDriver> open, string chipPath, string name)
    {
        try
        {
            return new OpenedGpioDriver(open(), name, Simulator: null);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or DllNotFoundException or TypeInitializationException)
        {
            return null;
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"Could not open {chipPath} with {name}: {e.Message}. The service's user needs access to it (on Raspberry Pi OS: the gpio group).", e);
        }
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
