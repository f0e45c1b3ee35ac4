using System.Device.Gpio;

namespace Tomodachi.Knob.Gpio;

/// <summary>
/// A <see cref="GpioController"/> that notes the time of each edge before the bindings (GpioButton,
/// QuadratureRotaryEncoder) handle it. The bindings raise their events synchronously inside the edge callback, so
/// whatever they raise can read <see cref="CurrentEdge"/> to learn which edge caused it, and how long ago.
/// </summary>
public sealed class EdgeStampingGpioController(GpioDriver driver, TimeProvider time) : GpioController(driver)
{
    [ThreadStatic]
    private static PinEdge? t_currentEdge;

    private readonly Lock _gate = new();
    private readonly Dictionary<(int Pin, PinChangeEventHandler Callback), PinChangeEventHandler> _stamped = [];

    /// <summary>The edge being delivered on this thread, or null outside an edge callback (e.g. on a timer).</summary>
    public static PinEdge? CurrentEdge => t_currentEdge;

    public override void RegisterCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        void Stamped(object sender, PinValueChangedEventArgs args)
        {
            t_currentEdge = new PinEdge(args.PinNumber, args.ChangeType, time.GetUtcNow(), time.GetTimestamp());
            try
            {
                callback(sender, args);
            }
            finally
            {
                t_currentEdge = null;
            }
        }

        lock (_gate)
        {
            _stamped[(pinNumber, callback)] = Stamped;
        }

        base.RegisterCallbackForPinValueChangedEvent(pinNumber, eventTypes, Stamped);
    }

    public override void UnregisterCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        PinChangeEventHandler? stamped;
        lock (_gate)
        {
            _stamped.Remove((pinNumber, callback), out stamped);
        }

        base.UnregisterCallbackForPinValueChangedEvent(pinNumber, stamped ?? callback);
    }
}
