using Google.Protobuf;
using Grpc.Core;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>gRPC method descriptions for services bound by hand, as generated server code would describe them.</summary>
internal static class HandBound
{
    public static Method<TRequest, TResponse> Method<TRequest, TResponse>(MethodType type, string service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(type, service, name, Marshaller<TRequest>(), Marshaller<TResponse>());

    private static Marshaller<T> Marshaller<T>() where T : class, IMessage<T>, new() =>
        Marshallers.Create(message => message.ToByteArray(), bytes => new MessageParser<T>(() => new T()).ParseFrom(bytes));
}
