using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Long-lived calls — watches, streamed replies — end as soon as their service begins to stop, with UNAVAILABLE,
/// which gRPC clients read as "try again later". Left running, Kestrel waits for them up to the host's shutdown
/// timeout (30 s) while the AppHost gives a stopping process 6 s before it kills it, so every stop of a service
/// with a watcher attached ended in a kill.
/// </summary>
public static class ServiceStopping
{
    /// <summary>The call's own token, also cancelled when the service begins to stop.</summary>
    public static CancellationTokenSource UntilStopping(this ServerCallContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, Stopping(context));

    /// <summary>True when the call ends because the service is stopping, not because the client left.</summary>
    public static bool IsStopping(this ServerCallContext context) =>
        Stopping(context).IsCancellationRequested && !context.CancellationToken.IsCancellationRequested;

    /// <summary>The status a call ended by <see cref="UntilStopping"/> answers with.</summary>
    /// <param name="service">The service, as people call it ("memory").</param>
    /// <param name="retry">What to do again once the service is back ("watch again").</param>
    public static RpcException ShuttingDown(string service, string retry) =>
        new(new Status(StatusCode.Unavailable, $"The {service} service is shutting down; {retry} when it is back."));

    private static CancellationToken Stopping(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
}
