using System.Device.Gpio;

namespace Tomodachi.Knob.Gpio;

/// <summary>A pin edge as the service first saw it: when (wall clock, and a timestamp for durations) and which.</summary>
public readonly record struct PinEdge(int PinNumber, PinEventTypes Change, DateTimeOffset SeenAt, long Timestamp);
