using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tomodachi.Gateway.Health;

/// <summary>
/// Asks one backend's own gRPC health service. Every backend answers health on the same path, so the gateway
/// cannot route it; instead it reports each backend under that backend's service name.
/// </summary>
public sealed class BackendHealthCheck(Grpc.Health.V1.Health.HealthClient client) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Timeout), cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"backend reports {reply.Status}");
        }
        catch (RpcException ex)
        {
            return HealthCheckResult.Unhealthy($"backend unreachable: {ex.Status.StatusCode}");
        }
    }
}
