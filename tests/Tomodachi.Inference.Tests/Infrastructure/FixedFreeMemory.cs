using Tomodachi.Inference.Models;

namespace Tomodachi.Inference.Tests.Infrastructure;

/// <summary>A machine with a set amount of free memory: 0 makes every switch unload the running model first.</summary>
public sealed class FixedFreeMemory(long? bytes) : IFreeMemory
{
    public long? AvailableBytes() => bytes;
}
