using Tomodachi.Memory.V1;

namespace Tomodachi.Memory.Grpc;

/// <summary>
/// The gRPC surface of the Memory service. RPCs not overridden here answer UNIMPLEMENTED.
/// </summary>
public sealed class MemoryGrpcService : MemoryService.MemoryServiceBase
{
}
