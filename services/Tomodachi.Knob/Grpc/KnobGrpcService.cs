using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Grpc;

/// <summary>
/// The gRPC surface of the Knob service. RPCs not overridden here answer UNIMPLEMENTED.
/// </summary>
public sealed class KnobGrpcService : KnobService.KnobServiceBase
{
}
