using System.Device.Gpio;

namespace Tomodachi.Knob.Gpio;

/// <summary>
/// A GPIO chip in memory. The outside world (a simulated KY-040, or a test) sets input levels with
/// <see cref="SetInputLevel"/>; each resulting edge is delivered to the registered callbacks on the caller's thread
/// before it returns, exactly as libgpiod delivers kernel edges to the same bindings.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    // As many lines as KnobOptions accepts, so any configured wiring can be simulated.
    private const int LineCount = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, PinValue> _external = [];
    private readonly Dictionary<int, SimulatedPin> _open = [];

    protected override int PinCount => LineCount;

    /// <summary>
    /// Drives an input line from outside, like a switch or an encoder contact would. Lines never driven follow their
    /// pull resistor. Works before the pin is opened too: the wiring exists before any program looks at it.
    /// </summary>
    public void SetInputLevel(int pinNumber, PinValue level)
    {
        CheckLine(pinNumber);
        ChangeLevel(pinNumber, () => _external[pinNumber] = level);
    }

    /// <summary>The level a line has now, as <see cref="GpioController.Read"/> would see it.</summary>
    public PinValue GetLevel(int pinNumber)
    {
        lock (_gate)
        {
            return LevelOf(pinNumber);
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        CheckLine(pinNumber);
        lock (_gate)
        {
            _open.TryAdd(pinNumber, new SimulatedPin());
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _open.Remove(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) =>
        ChangeLevel(pinNumber, () => PinOf(pinNumber).Mode = mode);

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return PinOf(pinNumber).Mode;
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        pinNumber is >= 0 and < LineCount
        && mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            PinOf(pinNumber);
            return LevelOf(pinNumber);
        }
    }

    protected override void Write(int pinNumber, PinValue value) =>
        ChangeLevel(pinNumber, () =>
        {
            var pin = PinOf(pinNumber);
            if (pin.Mode != PinMode.Output)
            {
                throw new InvalidOperationException($"Simulated GPIO {pinNumber} is an input; it cannot be written.");
            }

            pin.OutputLevel = value;
        });

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var edge = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        PinChangeEventHandler handler = (_, args) => edge.TrySetResult(args.ChangeType);
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        try
        {
            edge.Task.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = edge.Task.Result, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, handler);
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            PinOf(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            var callbacks = PinOf(pinNumber).Callbacks;
            var index = callbacks.FindIndex(c => c.Callback == callback);
            if (index >= 0)
            {
                callbacks.RemoveAt(index);
            }
        }
    }

    /// <summary>
    /// Applies a change to the wiring or the pin set-up and, if the line's level moved, delivers the edge. Callbacks
    /// run outside the lock, because the bindings read pins from inside them.
    /// </summary>
    private void ChangeLevel(int pinNumber, Action change)
    {
        PinChangeEventHandler[] toCall;
        PinEventTypes edge;
        lock (_gate)
        {
            var before = LevelOf(pinNumber);
            change();
            var after = LevelOf(pinNumber);
            if (before == after || !_open.TryGetValue(pinNumber, out var pin))
            {
                return;
            }

            edge = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            toCall = pin.Callbacks.Where(c => (c.EventTypes & edge) != 0).Select(c => c.Callback).ToArray();
        }

        var args = new PinValueChangedEventArgs(edge, pinNumber);
        foreach (var callback in toCall)
        {
            callback(this, args);
        }
    }

    private PinValue LevelOf(int pinNumber)
    {
        _open.TryGetValue(pinNumber, out var pin);
        if (pin?.Mode == PinMode.Output)
        {
            return pin.OutputLevel;
        }

        if (_external.TryGetValue(pinNumber, out var driven))
        {
            return driven;
        }

        // An undriven line floats to its pull resistor; with none (or closed) we call it low.
        return pin?.Mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low;
    }

    private SimulatedPin PinOf(int pinNumber) =>
        _open.TryGetValue(pinNumber, out var pin)
            ? pin
            : throw new InvalidOperationException($"Simulated GPIO {pinNumber} is not open.");

    private static void CheckLine(int pinNumber)
    {
        if (pinNumber is < 0 or >= LineCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, $"The simulated chip has lines 0 to {LineCount - 1}.");
        }
    }

    private sealed class SimulatedPin
    {
        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue OutputLevel { get; set; } = PinValue.Low;

        public List<(PinEventTypes EventTypes, PinChangeEventHandler Callback)> Callbacks { get; } = [];
    }
}
