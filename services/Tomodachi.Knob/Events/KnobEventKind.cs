namespace Tomodachi.Knob.Events;

/// <summary>What the knob did.</summary>
public enum KnobEventKind
{
    Pressed,
    Released,
    LongPressed,
    Rotated,
}
