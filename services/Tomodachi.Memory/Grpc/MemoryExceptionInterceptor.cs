using Grpc.Core;
using Grpc.Core.Interceptors;
using Tomodachi.Memory.Memories;

namespace Tomodachi.Memory.Grpc;

/// <summary>Turns the domain's exceptions into gRPC status codes, for unary and streaming calls alike.</summary>
public sealed class MemoryExceptionInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (ToStatus(e) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (ToStatus(e) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (ToStatus(e) is { } status)
        {
            throw new RpcException(status);
        }
    }

    private static Status? ToStatus(Exception exception) => exception switch
    {
        MemoryNotFoundException e => new Status(StatusCode.NotFound, e.Message),
        MemoryStoreNotReadyException e => new Status(StatusCode.FailedPrecondition, e.Message),
        MemoryStoreUnavailableException e => new Status(StatusCode.Unavailable, e.Message),
        _ => null,
    };
}
