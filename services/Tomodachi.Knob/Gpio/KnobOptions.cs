using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Knob.Gpio;

/// <summary>
/// The knob's wiring and timing, bound from the <c>Knob</c> configuration section. Pin numbers are the chip's
/// line offsets, which on a Raspberry Pi are the BCM GPIO numbers (not the physical header positions).
/// </summary>
public sealed class KnobOptions
{
    public const string SectionName = "Knob";

    /// <summary>Hardware, simulated, or decided by whether the GPIO chip exists.</summary>
    [EnumDataType(typeof(GpioMode), ErrorMessage = "Knob:Mode must be auto, hardware or simulated.")]
    public GpioMode Mode { get; set; } = GpioMode.Auto;

    /// <summary>The N of <c>/dev/gpiochipN</c> that carries the header pins (0 on a Raspberry Pi 4 and 5).</summary>
    [Range(0, 63, ErrorMessage = "Knob:GpioChip must be between 0 and 63 (the N of /dev/gpiochipN).")]
    public int GpioChip { get; set; }

    /// <summary>Encoder output A (KY-040 CLK); the binding counts a step on each of its falling edges.</summary>
    [Range(0, 1023, ErrorMessage = "Knob:PinA must be a GPIO line number between 0 and 1023.")]
    public int PinA { get; set; } = 17;

    /// <summary>Encoder output B (KY-040 DT); its level at A's falling edge gives the direction.</summary>
    [Range(0, 1023, ErrorMessage = "Knob:PinB must be a GPIO line number between 0 and 1023.")]
    public int PinB { get; set; } = 27;

    /// <summary>The push button (KY-040 SW).</summary>
    [Range(0, 1023, ErrorMessage = "Knob:ButtonPin must be a GPIO line number between 0 and 1023.")]
    public int ButtonPin { get; set; } = 22;

    /// <summary>
    /// True when the button connects its pin to ground (pin pulled up, pressed = low), as on a KY-040;
    /// false when it connects the pin to 3.3 V (pulled down, pressed = high).
    /// </summary>
    public bool PullUp { get; set; } = true;

    /// <summary>After a release, presses within this time are taken for contact bounce and ignored.</summary>
    [Range(0, 500, ErrorMessage = "Knob:DebounceMs must be between 0 and 500 milliseconds.")]
    public int DebounceMs { get; set; } = 30;

    /// <summary>Falling edges of A closer together than this are taken for bounce and not counted.</summary>
    [Range(0, 100, ErrorMessage = "Knob:EncoderDebounceMs must be between 0 and 100 milliseconds.")]
    public int EncoderDebounceMs { get; set; } = 5;

    /// <summary>How long the button must stay down to count as a long press.</summary>
    [Range(50, 60_000, ErrorMessage = "Knob:LongPressMs must be between 50 and 60000 milliseconds.")]
    public int LongPressMs { get; set; } = 1000;

    /// <summary>Events each watcher may have waiting; beyond this its oldest are dropped and counted.</summary>
    [Range(1, 100_000, ErrorMessage = "Knob:WatcherBufferSize must be between 1 and 100000 events.")]
    public int WatcherBufferSize { get; set; } = 256;
}
