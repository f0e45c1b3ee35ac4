using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Grpc;

/// <summary>
/// The gRPC surface of the Inference service. RPCs not overridden here answer UNIMPLEMENTED.
/// </summary>
public sealed partial class InferenceGrpcService : InferenceService.InferenceServiceBase
{
}
