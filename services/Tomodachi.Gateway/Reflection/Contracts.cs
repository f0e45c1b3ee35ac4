using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Tomodachi.Gateway.Reflection;

/// <summary>The contracts the gateway routes, each with the backend (service discovery name) that serves it.</summary>
public static class Contracts
{
    public sealed record Contract(ServiceDescriptor Service, string Backend);

    public static readonly IReadOnlyList<Contract> All =
    [
        new(Tomodachi.Inference.V1.InferenceReflection.Descriptor.Services.Single(), "inference"),
        new(Tomodachi.Inference.V1.ConversationReflection.Descriptor.Services.Single(), "inference"),
        new(Tomodachi.Tuning.V1.TuningReflection.Descriptor.Services.Single(), "inference"),
        new(Tomodachi.Memory.V1.MemoryReflection.Descriptor.Services.Single(), "memory"),
        new(Tomodachi.Knob.V1.KnobReflection.Descriptor.Services.Single(), "knob"),
    ];
}
