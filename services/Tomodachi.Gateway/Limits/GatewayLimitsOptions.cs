using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Gateway.Limits;

/// <summary>
/// How much the gateway accepts in one request, bound from "Tomodachi:Limits" (env: Tomodachi__Limits__MaxGrpcMessageBytes).
/// </summary>
public sealed class GatewayLimitsOptions
{
    public const string SectionName = "Tomodachi:Limits";

    /// <summary>
    /// Largest gRPC message forwarded (4 MiB, the services' own Grpc:MaxReceiveMessageBytes). A gRPC stream as a whole
    /// is not limited: an Import may carry any number of memories.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxGrpcMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest body of any other request (browser, REST, Connect unary): 4 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
}
