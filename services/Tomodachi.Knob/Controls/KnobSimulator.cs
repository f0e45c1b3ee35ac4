using System.Device.Gpio;
using System.Diagnostics;
using Tomodachi.Knob.Events;
using Tomodachi.Knob.Gpio;

namespace Tomodachi.Knob.Controls;

/// <summary>
/// A hand on a simulated KY-040: moves the simulated pins as the real contacts would, and lets the bindings turn the
/// edges into events. One action at a time, so two callers cannot interleave their edges into a garbled sequence.
/// The pauses use the real clock because the bindings debounce against it (Stopwatch, DateTime.UtcNow).
/// </summary>
public sealed class KnobSimulator(SimulatedGpioDriver pins, KnobOptions options, KnobEventHub hub)
{
    /// <summary>Slack over the bindings' debounce windows, which they compare in whole milliseconds.</summary>
    private static readonly TimeSpan DebounceSlack = TimeSpan.FromMilliseconds(2);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly PinValue _down = options.PullUp ? PinValue.Low : PinValue.High;
    private readonly PinValue _up = options.PullUp ? PinValue.High : PinValue.Low;
    private long _lastRelease;
    private long _lastStep = Stopwatch.GetTimestamp();

    /// <summary>True while the simulated button is held down.</summary>
    public bool IsHeld => pins.GetLevel(options.ButtonPin) == _down;

    public Task PressAsync(CancellationToken cancellationToken) =>
        OneAtATimeAsync(async () =>
        {
            EnsureHeld(false);
            await PressButtonAsync(cancellationToken);
        }, cancellationToken);

    public Task ReleaseAsync(CancellationToken cancellationToken) =>
        OneAtATimeAsync(() =>
        {
            EnsureHeld(true);
            ReleaseButton();
            return Task.CompletedTask;
        }, cancellationToken);

    public Task ClickAsync(CancellationToken cancellationToken) =>
        OneAtATimeAsync(async () =>
        {
            EnsureHeld(false);
            await PressButtonAsync(cancellationToken);
            ReleaseButton();
        }, cancellationToken);

    /// <summary>Holds the button until the binding's holding timer reports a long press, then lets go.</summary>
    public Task LongPressAsync(CancellationToken cancellationToken) =>
        OneAtATimeAsync(async () =>
        {
            EnsureHeld(false);
            using var watcher = hub.Subscribe();
            await PressButtonAsync(cancellationToken);
            try
            {
                await WaitForLongPressAsync(watcher, cancellationToken);
            }
            finally
            {
                ReleaseButton();
            }
        }, cancellationToken);

    /// <summary>
    /// Turns the encoder by whole detents, each one quadrature (Gray code) cycle starting and ending with A and B high.
    /// The binding counts up when B is already low as A falls, so positive steps lead with B.
    /// </summary>
    public Task RotateAsync(int steps, CancellationToken cancellationToken) =>
        OneAtATimeAsync(async () =>
        {
            var (first, second) = steps > 0 ? (options.PinB, options.PinA) : (options.PinA, options.PinB);
            for (var i = 0; i < Math.Abs(steps); i++)
            {
                await WaitOutAsync(_lastStep, TimeSpan.FromMilliseconds(options.EncoderDebounceMs), cancellationToken);
                pins.SetInputLevel(first, PinValue.Low);
                pins.SetInputLevel(second, PinValue.Low);
                _lastStep = Stopwatch.GetTimestamp();
                pins.SetInputLevel(first, PinValue.High);
                pins.SetInputLevel(second, PinValue.High);
            }
        }, cancellationToken);

    private async Task PressButtonAsync(CancellationToken cancellationToken)
    {
        // The binding ignores presses within its debounce time after a release.
        await WaitOutAsync(_lastRelease, TimeSpan.FromMilliseconds(options.DebounceMs), cancellationToken);
        pins.SetInputLevel(options.ButtonPin, _down);
    }

    private void ReleaseButton()
    {
        pins.SetInputLevel(options.ButtonPin, _up);
        _lastRelease = Stopwatch.GetTimestamp();
    }

    private async Task WaitForLongPressAsync(KnobWatcher watcher, CancellationToken cancellationToken)
    {
        // Generous: the binding's timer runs on the thread pool, which a busy machine may serve late.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(options.LongPressMs) + TimeSpan.FromSeconds(10));
        await foreach (var watched in watcher.ReadAllAsync(timeout.Token))
        {
            if (watched.Event.Kind == KnobEventKind.LongPressed)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="window"/> (plus slack) has passed since <paramref name="since"/>, checked against the
    /// Stopwatch after each sleep: a timer may wake up to a millisecond early, and one early edge is one lost event.
    /// </summary>
    private static async Task WaitOutAsync(long since, TimeSpan window, CancellationToken cancellationToken)
    {
        if (window <= TimeSpan.Zero)
        {
            return;
        }

        TimeSpan remaining;
        while ((remaining = window + DebounceSlack - Stopwatch.GetElapsedTime(since)) > TimeSpan.Zero)
        {
            await Task.Delay(remaining + TimeSpan.FromMilliseconds(1), cancellationToken);
        }
    }

    private void EnsureHeld(bool held)
    {
        if (IsHeld != held)
        {
            throw new KnobSimulatorStateException(held
                ? "The simulated button is not pressed; press it before releasing it."
                : "The simulated button is already pressed; release it first.");
        }
    }

    private async Task OneAtATimeAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await action();
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}

/// <summary>The simulated knob is not in a state where the requested action makes sense.</summary>
public sealed class KnobSimulatorStateException(string message) : Exception(message);
