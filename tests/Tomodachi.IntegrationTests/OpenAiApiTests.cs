using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using OpenAI;
using OpenAI.Chat;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Memory.V1;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// The official OpenAI .NET SDK against the real suite, through the gateway's /v1 door: what it reports is what the
/// inference service measured and journaled.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class OpenAiApiTests(SuiteFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;

    private OpenAIClient Sdk() => new(new ApiKeyCredential("no key is configured"),
        new OpenAIClientOptions { Endpoint = new Uri(suite.GatewayHttp, "/v1"), NetworkTimeout = TimeSpan.FromMinutes(3) });

    [Fact]
    public async Task The_sdk_lists_the_loaded_model_and_a_companion_model_per_persona()
    {
        using var channel = suite.CreateGatewayChannel();
        var inference = new InferenceService.InferenceServiceClient(channel);
        var model = (await inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;
        var personas = await inference.ListPersonasAsync(new ListPersonasRequest(), cancellationToken: Timeout);

        var listed = (await Sdk().GetOpenAIModelClient().GetModelsAsync(Timeout)).Value;

        Assert.Equal([model.Id, .. personas.Personas.Select(p => $"tomodachi:{p.Name}")], listed.Select(m => m.Id));
    }

    [Fact]
    public async Task A_plain_chat_reports_the_journaled_reply_and_usage_and_is_listed_as_no_conversation()
    {
        using var channel = suite.CreateGatewayChannel();
        var (inference, model) = await ReadyAsync(channel);
        var since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var message = $"Once upon a time there was a fox called {Guid.NewGuid():N}.";

        var completion = (await Sdk().GetChatClient(model).CompleteChatAsync(
            [new SystemChatMessage("You tell stories."), new UserChatMessage("Hello!"), new AssistantChatMessage("Hi! What story?"), new UserChatMessage(message)],
            new ChatCompletionOptions { MaxOutputTokenCount = 16, Temperature = 0.7f }, Timeout)).Value;

        var turn = await JournaledAsync(inference, since, message);
        Assert.Equal(turn.Reply, completion.Content.Single().Text);
        Assert.Equal((turn.Stats.PromptTokens, turn.Stats.CompletionTokens, turn.Stats.CachedPromptTokens),
            ((uint)completion.Usage.InputTokenCount, (uint)completion.Usage.OutputTokenCount, (uint)completion.Usage.InputTokenDetails.CachedTokenCount));
        Assert.Equal(turn.Stats.StopReason == StopReason.MaxTokens ? ChatFinishReason.Length : ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal((TurnSource.Openai, "", 1u), (turn.Stats.Source, turn.Stats.Persona, turn.Stats.HistoryTurns));
        var conversations = await new ConversationService.ConversationServiceClient(channel)
            .ListConversationsAsync(new ListConversationsRequest { PageSize = 200 }, cancellationToken: Timeout);
        Assert.DoesNotContain(conversations.Conversations, c => c.SessionId == turn.Stats.SessionId);
    }

    [Fact]
    public async Task A_streamed_chat_carries_the_journaled_reply_and_ends_with_its_usage()
    {
        using var channel = suite.CreateGatewayChannel();
        var (inference, model) = await ReadyAsync(channel);
        var since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var message = $"Tell me about the boat {Guid.NewGuid():N}.";

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk().GetChatClient(model).CompleteChatStreamingAsync(
            [new UserChatMessage(message)], new ChatCompletionOptions { MaxOutputTokenCount = 24 }, Timeout))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        var turn = await JournaledAsync(inference, since, message);
        Assert.Equal(turn.Reply, text.ToString());
        Assert.NotNull(usage);
        Assert.Equal((turn.Stats.PromptTokens, turn.Stats.CompletionTokens), ((uint)usage.InputTokenCount, (uint)usage.OutputTokenCount));
        Assert.Equal(turn.Stats.StopReason == StopReason.MaxTokens ? ChatFinishReason.Length : ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task A_companion_chat_with_a_session_is_listed_as_that_conversation_with_its_persona()
    {
        using var channel = suite.CreateGatewayChannel();
        await ReadyAsync(channel);
        var conversations = new ConversationService.ConversationServiceClient(channel);
        var session = $"openai-it-{Guid.NewGuid():N}";

        var completion = (await Sdk().GetChatClient("tomodachi:coach").CompleteChatAsync(
            [new UserChatMessage("Remember that my cat is called Mochi.")],
            new ChatCompletionOptions { MaxOutputTokenCount = 12, EndUserId = session }, Timeout)).Value;

        var conversation = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = session }, cancellationToken: Timeout);
        Assert.Equal("coach", conversation.Conversation.Persona);
        var turn = Assert.Single(conversation.Turns);
        Assert.Equal((turn.Reply, TurnSource.Openai), (completion.Content.Single().Text, turn.Stats.Source));
        Assert.Equal("tomodachi:coach", completion.Model);
        await conversations.DeleteConversationAsync(new DeleteConversationRequest { SessionId = session }, cancellationToken: Timeout);
    }

    [Fact]
    public async Task The_sdks_embeddings_are_the_memory_services_vectors_for_the_same_texts()
    {
        using var channel = suite.CreateGatewayChannel();
        string[] texts = ["My cat is called Mochi.", "What is my cat's name?"];
        var direct = await new MemoryService.MemoryServiceClient(channel).EmbedAsync(new EmbedRequest { Texts = { texts } }, cancellationToken: Timeout);

        // The SDK asks for base64 and decodes it itself.
        var embeddings = (await Sdk().GetEmbeddingClient(direct.Model).GenerateEmbeddingsAsync(texts, cancellationToken: Timeout)).Value;

        Assert.Equal(texts.Length, embeddings.Count);
        foreach (var (embedding, expected) in embeddings.Zip(direct.Embeddings))
        {
            Assert.Equal(expected.Vector, embedding.ToFloats().ToArray());
        }

        Assert.Equal(direct.Embeddings.Sum(e => (int)e.TokenCount), embeddings.Usage.InputTokenCount);
        Assert.Equal(direct.Model, embeddings.Model);
    }

    [Fact]
    public async Task The_sdk_reads_an_unknown_model_as_404_and_a_reply_limit_beyond_the_context_as_400()
    {
        using var channel = suite.CreateGatewayChannel();
        var (_, model) = await ReadyAsync(channel);

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() =>
            Sdk().GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Timeout));
        var tooLong = await Assert.ThrowsAsync<ClientResultException>(() => Sdk().GetChatClient(model).CompleteChatAsync(
            [new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 1_000_000 }, Timeout));

        Assert.Equal(404, unknown.Status);
        Assert.Contains("model_not_found", unknown.Message);
        Assert.Equal(400, tooLong.Status);
        Assert.Contains("max_tokens must be between 1 and the context length", tooLong.Message);
    }

    [Fact]
    public async Task A_client_that_leaves_in_the_middle_of_a_stream_stops_the_decoding_and_frees_the_slot()
    {
        using var channel = suite.CreateGatewayChannel();
        var (inference, model) = await ReadyAsync(channel);
        var since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var message = $"Count to a thousand, {Guid.NewGuid():N}.";
        const int maxTokens = 1500;

        using (var http = new HttpClient { BaseAddress = suite.GatewayHttp })
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            // Greedy decoding, so whether the model would end by itself within the first tokens is fixed, not chance.
            request.Content = JsonContent.Create(new
            {
                model,
                messages = new[] { new { role = "user", content = message } },
                stream = true,
                max_tokens = maxTokens,
                temperature = 0,
            });
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Timeout);
            using var events = new StreamReader(await response.Content.ReadAsStreamAsync(Timeout));
            // Read on to the first chunk that carries reply text (the first one carries the role): decoding is under way.
            while (await events.ReadLineAsync(Timeout) is { } line && !CarriesText(line))
            {
            }
        }

        var turn = await JournaledAsync(inference, since, message);
        await inference.WaitForIdleAsync(Timeout);
        Assert.Equal(StopReason.Cancelled, turn.Stats.StopReason);
        Assert.InRange(turn.Stats.CompletionTokens, 1u, maxTokens - 1u);
    }

    private static bool CarriesText(string line) =>
        line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal);

    private static async Task<(InferenceService.InferenceServiceClient Inference, string Model)> ReadyAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        var inference = new InferenceService.InferenceServiceClient(channel);
        await inference.WaitForModelLoadedAsync(Timeout);
        return (inference, (await inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model.Id);
    }

    /// <summary>The journal's turn for <paramref name="message"/>; a turn is journaled as it finishes, so this waits for it (bounded).</summary>
    private static async Task<Turn> JournaledAsync(InferenceService.InferenceServiceClient inference, Timestamp since, string message)
    {
        var cancellationToken = Timeout;
        while (true)
        {
            var page = await inference.ListTurnsAsync(new ListTurnsRequest { Since = since, PageSize = 500 }, cancellationToken: cancellationToken);
            if (page.Turns.FirstOrDefault(t => t.UserMessage == message) is { } turn)
            {
                return turn;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
