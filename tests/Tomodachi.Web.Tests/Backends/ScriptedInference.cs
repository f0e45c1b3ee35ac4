using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>
/// The inference service as the web sees it: InferenceService, ConversationService (over the same scripted journal) and
/// TuningService, each a real gRPC server on its own loopback port, with a client for each.
/// </summary>
public sealed class ScriptedInference : IAsyncDisposable
{
    private GrpcTestHost? inferenceHost;
    private GrpcTestHost? tuningHost;
    private GrpcTestHost? conversationHost;
    private GrpcChannel? inferenceChannel;
    private GrpcChannel? tuningChannel;
    private GrpcChannel? conversationChannel;

    private ScriptedInference() => Conversations = new ScriptedConversationService(Inference);

    public ScriptedInferenceService Inference { get; } = new();

    public ScriptedConversationService Conversations { get; }

    public ScriptedTuningService Tuning { get; } = new();

    public InferenceService.InferenceServiceClient InferenceClient { get; private set; } = null!;

    public TuningService.TuningServiceClient TuningClient { get; private set; } = null!;

    /// <summary>Where the InferenceService listens, for a web host pointed at it.</summary>
    public Uri InferenceAddress => inferenceHost!.Address;
    public ConversationService.ConversationServiceClient ConversationClient { get; private set; } = null!;

    /// <summary>Where the TuningService listens, for a web host pointed at it.</summary>
    public Uri TuningAddress => tuningHost!.Address;

    public static async Task<ScriptedInference> StartAsync()
    {
        var backends = new ScriptedInference();
        backends.inferenceHost = await GrpcTestHost.StartAsync(backends.Inference);
        backends.tuningHost = await GrpcTestHost.StartAsync(backends.Tuning);
        backends.inferenceChannel = GrpcChannel.ForAddress(backends.inferenceHost.Address);
        backends.tuningChannel = GrpcChannel.ForAddress(backends.tuningHost.Address);
        backends.conversationHost = await GrpcTestHost.StartAsync(backends.Conversations);
        backends.conversationChannel = GrpcChannel.ForAddress(backends.conversationHost.Address);
        backends.ConversationClient = new ConversationService.ConversationServiceClient(backends.conversationChannel);
        backends.InferenceClient = new InferenceService.InferenceServiceClient(backends.inferenceChannel);
        backends.TuningClient = new TuningService.TuningServiceClient(backends.tuningChannel);
        return backends;
    }

    public async ValueTask DisposeAsync()
    {
        inferenceChannel?.Dispose();
        tuningChannel?.Dispose();
        conversationChannel?.Dispose();
        if (conversationHost is not null)
        {
            await conversationHost.DisposeAsync();
        }

        if (inferenceHost is not null)
        {
            await inferenceHost.DisposeAsync();
        }

        if (tuningHost is not null)
        {
            await tuningHost.DisposeAsync();
        }
    }
}
