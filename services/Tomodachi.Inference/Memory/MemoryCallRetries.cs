using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Memory;

/// <summary>
/// One quick retry of a memory Search that found the service UNAVAILABLE: right after the memory service comes back,
/// the first call can still meet a connection to the process that died, and a fresh attempt reaches the new one.
/// Search only changes nothing, so repeating it is safe; StoreBatch is not retried (it could store twice). Both
/// attempts share the call's deadline, so a chat still waits at most Inference:MemoryTimeout.
/// </summary>
public static class MemoryCallRetries
{
    public static ServiceConfig ServiceConfig { get; } = new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { new MethodName { Service = MemoryService.Descriptor.FullName, Method = "Search" } },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = 2,
                    InitialBackoff = TimeSpan.FromMilliseconds(100),
                    MaxBackoff = TimeSpan.FromMilliseconds(100),
                    BackoffMultiplier = 1,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };
}
