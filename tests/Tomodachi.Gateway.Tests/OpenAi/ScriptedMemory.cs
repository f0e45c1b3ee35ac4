using System.Collections.Concurrent;
using Grpc.Core;
using Tomodachi.Memory.V1;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>What the stand-in memory service's Embed answers (by default a 3-float vector per text) and what it was asked.</summary>
internal sealed class MemoryScript
{
    public const string Embedder = "onnx:test-embedder";

    public ConcurrentQueue<EmbedRequest> Received { get; } = new();

    public Func<EmbedRequest, EmbedResponse> Embed { get; set; } = request => new EmbedResponse
    {
        Model = Embedder,
        Dimension = 3,
        Embeddings = { request.Texts.Select((text, i) => new Embedding { Vector = { i, 0.5f, -1.25f }, TokenCount = (uint)text.Length }) },
    };
}

/// <summary>tomodachi.memory.v1.MemoryService's Embed, bound by hand (see <see cref="InferenceServiceBinding"/>).</summary>
[BindServiceMethod(typeof(MemoryServiceBinding), nameof(BindService))]
internal abstract class MemoryServiceBinding
{
    public abstract Task<EmbedResponse> Embed(EmbedRequest request, ServerCallContext context);

    public static void BindService(ServiceBinderBase binder, MemoryServiceBinding? service) =>
        binder.AddMethod(HandBound.Method<EmbedRequest, EmbedResponse>(MethodType.Unary, "tomodachi.memory.v1.MemoryService", "Embed"),
            service is null ? null : new UnaryServerMethod<EmbedRequest, EmbedResponse>(service.Embed));
}

internal sealed class ScriptedMemoryService(MemoryScript script) : MemoryServiceBinding
{
    public override Task<EmbedResponse> Embed(EmbedRequest request, ServerCallContext context)
    {
        script.Received.Enqueue(request);
        return Task.FromResult(script.Embed(request));
    }
}
