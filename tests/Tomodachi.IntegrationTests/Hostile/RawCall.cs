using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>The status a call ended with, and its message.</summary>
public sealed record CallOutcome(StatusCode Code, string Detail);

/// <summary>
/// Calls any RPC with request bytes as they are (a Method&lt;byte[], byte[]&gt; with pass-through marshallers), so the
/// server, not the client library, decides what the bytes mean.
/// </summary>
internal static class RawCall
{
    private static readonly Marshaller<byte[]> PassThrough = Marshallers.Create(bytes => bytes, bytes => bytes);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>How long a watch that was accepted is left open when it sends nothing (WatchEvents, WatchTurns).</summary>
    private static readonly TimeSpan WatchOpenFor = TimeSpan.FromMilliseconds(500);

    /// <summary>A stream that is accepted sends at most this many messages before the sweep stops reading.</summary>
    private const int MaxReplies = 1000;

    public static async Task<CallOutcome> InvokeAsync(CallInvoker invoker, MethodDescriptor rpc, byte[][] messages)
    {
        var type = (rpc.IsClientStreaming, rpc.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, rpc.Service.FullName, rpc.Name, PassThrough, PassThrough);
        var watch = rpc.Name.StartsWith("Watch", StringComparison.Ordinal);
        using var stop = new CancellationTokenSource(watch ? WatchOpenFor : Deadline);
        var options = new CallOptions(deadline: DateTime.UtcNow.Add(Deadline), cancellationToken: stop.Token);
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, messages.Single());
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, messages.Single()))
                    {
                        // A watch that sent its first message is open and working; other streams are read to the end.
                        var read = 0;
                        while (await call.ResponseStream.MoveNext(stop.Token))
                        {
                            if (watch || ++read == MaxReplies)
                            {
                                break;
                            }
                        }
                    }

                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        try
                        {
                            foreach (var message in messages)
                            {
                                await call.RequestStream.WriteAsync(message);
                            }

                            await call.RequestStream.CompleteAsync();
                        }
                        catch (RpcException)
                        {
                            // The server ended the call while the request was still being written (a refused first
                            // message); the status it ended with is the response's.
                        }

                        await call.ResponseAsync;
                    }

                    break;
                default:
                    throw new NotSupportedException($"{rpc.FullName}: no contract has bidirectional streams.");
            }

            return new CallOutcome(StatusCode.OK, "");
        }
        catch (RpcException e) when (watch && e.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
        {
            return new CallOutcome(StatusCode.OK, $"the watch stayed open for {WatchOpenFor.TotalMilliseconds} ms");
        }
        catch (RpcException e)
        {
            return new CallOutcome(e.StatusCode, e.Status.Detail);
        }
    }
}
