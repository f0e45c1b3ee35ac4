using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The largest gRPC message a service accepts and sends, bound from the "Grpc" section
/// (env: Grpc__MaxReceiveMessageBytes). A bigger request is refused with RESOURCE_EXHAUSTED before it is parsed.
/// </summary>
public sealed class GrpcMessageLimits
{
    public const string SectionName = "Grpc";

    /// <summary>Largest request message: 4 MiB, gRPC's customary default.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Largest reply message: 16 MiB, room for a full ListTurns page (500 turns of 16 KiB messages and their replies).
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxSendMessageBytes { get; set; } = 16 * 1024 * 1024;
}
