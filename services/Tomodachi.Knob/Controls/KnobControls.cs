using System.Device.Gpio;
using Iot.Device.Button;
using Iot.Device.RotaryEncoder;
using Microsoft.Extensions.Options;
using Tomodachi.Knob.Events;
using Tomodachi.Knob.Gpio;
using Tomodachi.Knob.Telemetry;

namespace Tomodachi.Knob.Controls;

/// <summary>
/// The KY-040 as the service sees it: the .NET IoT <see cref="GpioButton"/> and <see cref="QuadratureRotaryEncoder"/>
/// bindings on the opened GPIO driver (real or simulated alike), their events numbered and published on the hub.
/// Debounce, long-press timing and rotation direction are the bindings' own logic in both modes.
/// </summary>
public sealed partial class KnobControls : IHostedService, IDisposable
{
    /// <summary>A KY-040 turn has 20 detents, each one full quadrature cycle: one falling edge of A.</summary>
    private const int DetentsPerTurn = 20;

    /// <summary>Double presses are not used; the binding still wants a window of at least three debounce times.</summary>
    private static readonly TimeSpan DoublePressWindow = TimeSpan.FromMilliseconds(1500);

    private readonly Lock _gate = new();
    private readonly EdgeStampingGpioController _controller;
    private readonly GpioButton _button;
    private readonly QuadratureRotaryEncoder _encoder;
    private readonly KnobEventHub _hub;
    private readonly KnobMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly KnobOptions _options;
    private readonly ILogger<KnobControls> _logger;
    private bool _pressed;
    private long _position;
    private int _disposed;

    public KnobControls(IGpioDriverProvider drivers, KnobEventHub hub, KnobMetrics metrics, TimeProvider time,
        IOptions<KnobOptions> options, ILogger<KnobControls> logger)
    {
        _hub = hub;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;

        var opened = drivers.Open();
        DriverName = opened.Name;
        IsHardware = opened.IsHardware;
        _controller = new EdgeStampingGpioController(opened.Driver, time);
        try
        {
            _button = new GpioButton(_options.ButtonPin, DoublePressWindow, TimeSpan.FromMilliseconds(_options.LongPressMs),
                isPullUp: _options.PullUp, hasExternalResistor: false, gpio: _controller, shouldDispose: false,
                debounceTime: TimeSpan.FromMilliseconds(_options.DebounceMs))
            {
                IsHoldingEnabled = true,
            };
            _encoder = new QuadratureRotaryEncoder(_options.PinA, _options.PinB, PinEventTypes.Falling, DetentsPerTurn,
                _controller, shouldDispose: false)
            {
                Debounce = TimeSpan.FromMilliseconds(_options.EncoderDebounceMs),
            };
        }
        catch
        {
            _controller.Dispose();
            throw;
        }

        _button.ButtonDown += (_, _) => OnButton(pressed: true);
        _button.ButtonUp += (_, _) => OnButton(pressed: false);
        _button.Holding += (_, e) => OnHolding(e.HoldingState);
        _encoder.PulseCountChanged += (_, e) => OnPulse((long)e.Value);

        Simulator = opened.Simulator is null ? null : new KnobSimulator(opened.Simulator, _options, hub);
    }

    public bool IsHardware { get; }

    public string DriverName { get; }

    /// <summary>Drives the simulated pins; null in hardware mode, where only a hand on the knob may.</summary>
    public KnobSimulator? Simulator { get; }

    public KnobSnapshot GetState()
    {
        lock (_gate)
        {
            return new KnobSnapshot(_pressed, _position, _hub.LastEvent, IsHardware, DriverName);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogReady(_logger, IsHardware ? "hardware" : "simulated", DriverName, _options.ButtonPin, _options.PinA, _options.PinB);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Idempotent: the container disposes this both as itself and as a hosted service.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _button.Dispose();
        _encoder.Dispose();
        _controller.Dispose();
    }

    private void OnButton(bool pressed)
    {
        lock (_gate)
        {
            _pressed = pressed;
            Publish(pressed ? KnobEventKind.Pressed : KnobEventKind.Released, 0);
            if (pressed)
            {
                _metrics.Pressed();
            }
        }
    }

    private void OnHolding(ButtonHoldingState state)
    {
        lock (_gate)
        {
            // The binding's holding timer can fire just after a release it has not yet cancelled.
            if (state == ButtonHoldingState.Started && _pressed)
            {
                Publish(KnobEventKind.LongPressed, 0);
            }
        }
    }

    private void OnPulse(long pulseCount)
    {
        lock (_gate)
        {
            var delta = (int)(pulseCount - _position);
            _position = pulseCount;
            Publish(KnobEventKind.Rotated, delta);
            _metrics.Rotated(delta);
        }
    }

    /// <summary>Called under the gate. Events caused by an edge carry the edge's time; long presses the timer's.</summary>
    private void Publish(KnobEventKind kind, int delta)
    {
        var edge = EdgeStampingGpioController.CurrentEdge;
        _hub.Publish(kind, delta, _position, edge?.SeenAt ?? _time.GetUtcNow());
        if (edge is { } seen)
        {
            _metrics.EdgeToEvent(_time.GetElapsedTime(seen.Timestamp));
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Knob ready in {Mode} mode on the {Driver} driver: button GPIO {ButtonPin}, encoder A GPIO {PinA}, B GPIO {PinB}")]
    private static partial void LogReady(ILogger logger, string mode, string driver, int buttonPin, int pinA, int pinB);
}
