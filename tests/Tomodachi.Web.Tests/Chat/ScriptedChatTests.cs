using Tomodachi.Inference.V1;
using Tomodachi.Web.Chat;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Chat;

/// <summary>Chat sessions against the scripted inference service, ConversationService and TuningService on loopback.</summary>
public abstract class ScriptedChatTests : IAsyncLifetime
{
    protected ScriptedInference Backends { get; private set; } = null!;

    protected ScriptedInferenceService Inference => Backends.Inference;

    public async Task InitializeAsync() => Backends = await ScriptedInference.StartAsync();

    public async Task DisposeAsync() => await Backends.DisposeAsync();

    protected ChatSession NewSession() => new(Backends.InferenceClient, Backends.ConversationClient, Backends.TuningClient);

    /// <summary>A journaled turn, for a conversation that existed before the test's session.</summary>
    protected static Turn JournaledTurn(string id, string sessionId, string message, string reply, string persona = "friend")
    {
        var stats = TestData.Turn(id);
        stats.SessionId = sessionId;
        stats.Persona = persona;
        return new Turn { Stats = stats, UserMessage = message, Reply = reply };
    }

    /// <summary>The conversation as the journal has it now: its messages, replaced turns left out.</summary>
    protected async Task<IReadOnlyList<string>> JournaledMessagesAsync(string sessionId)
    {
        var conversation = await Backends.ConversationClient.GetConversationAsync(new GetConversationRequest { SessionId = sessionId });
        return [.. conversation.Turns.SelectMany(t => new[] { t.UserMessage, t.Reply })];
    }
}
