using Tomodachi.Knob.Events;

namespace Tomodachi.Knob.Controls;

/// <summary>The knob now: button, encoder position, latest event, and what it runs on.</summary>
public sealed record KnobSnapshot(bool Pressed, long Position, KnobEvent? LastEvent, bool IsHardware, string DriverName);
