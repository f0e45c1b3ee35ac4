using Google.Protobuf;
using Grpc.Core;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>A gRPC method definition built from the contract's message parsers, for the scripted services.</summary>
internal static class ScriptedMethod
{
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(
        string service, MethodType type, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(type, service, name,
            Marshallers.Create(r => r.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));
}
