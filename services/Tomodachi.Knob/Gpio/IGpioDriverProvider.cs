using System.Device.Gpio;

namespace Tomodachi.Knob.Gpio;

/// <summary>Opens the GPIO driver the knob's bindings run on: libgpiod on the real chip, or the simulator.</summary>
public interface IGpioDriverProvider
{
    OpenedGpioDriver Open();
}

/// <summary>
/// An opened driver. <paramref name="Simulator"/> is set only in simulated mode: it is what <c>Simulate</c> drives,
/// and its absence is what makes <c>Simulate</c> answer PERMISSION_DENIED.
/// </summary>
public sealed record OpenedGpioDriver(GpioDriver Driver, string Name, SimulatedGpioDriver? Simulator)
{
    public bool IsHardware => Simulator is null;
}
