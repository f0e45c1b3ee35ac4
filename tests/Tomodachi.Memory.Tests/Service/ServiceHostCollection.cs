namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// Tests that read exact figures from /metrics run alone: the OpenTelemetry listener of one test host also hears the
/// "Tomodachi.Memory" meter of any other host alive in the process, so a search in a parallel test would count twice.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceHostCollection
{
    public const string Name = "Memory service hosts, one at a time";
}
