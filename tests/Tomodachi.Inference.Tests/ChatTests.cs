using Grpc.Core;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Chat against the tiny generated model with the memory service down.</summary>
public sealed class ChatTests : TinyModelTests
{

    [Fact]
    public async Task Chat_streams_deltas_then_exactly_one_stats_message_last()
    {
        var responses = await App.Client.ChatToEndAsync(ChatExtensions.Request("hello there", maxTokens: 12));

        Assert.Equal(ChatResponse.EventOneofCase.Stats, responses[^1].EventCase);
        Assert.Single(responses, r => r.EventCase == ChatResponse.EventOneofCase.Stats);
        Assert.All(responses[..^1], r => Assert.Equal(ChatResponse.EventOneofCase.Delta, r.EventCase));
        var stats = responses[^1].Stats;
        Assert.InRange(stats.CompletionTokens, 0u, 12u);
        Assert.Equal(stats.CompletionTokens == 12 ? StopReason.MaxTokens : StopReason.EndOfGeneration, stats.StopReason);
    }

    [Fact]
    public async Task Stats_prompt_tokens_are_the_tokenizer_count_of_the_templated_prompt()
    {
        var responses = await App.Client.ChatToEndAsync(ChatExtensions.Request("What should I cook tonight?", persona: "coach"));
        var stats = responses[^1].Stats;
        const string system = "You are a calm, practical coach. Give short, concrete next steps.";
        var chatMl = $"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\nWhat should I cook tonight?<|im_end|>\n<|im_start|>assistant\n";

        var expected = await App.Client.CountTokensAsync(new CountTokensRequest { Text = chatMl, AddBos = true });

        Assert.Equal(expected.TokenCount, stats.PromptTokens);
        Assert.Equal("coach", stats.Persona);
        Assert.Equal("tiny-v2", stats.ModelId);
        Assert.False(stats.Demo);
    }

    [Fact]
    public async Task Stats_timings_are_measured_and_consistent()
    {
        var responses = await App.Client.ChatToEndAsync(ChatExtensions.Request("tell me a story", maxTokens: 16));
        var stats = responses[^1].Stats;

        Assert.True(stats.PromptEvalMs > 0);
        Assert.True(stats.PromptTokensPerSecond > 0);
        Assert.True(stats.OrchestratorMs > 0);
        Assert.True(stats.TotalLatencyMs >= stats.OrchestratorMs + stats.RetrievalMs + stats.GenerationMs);
        Assert.True(stats.FinishedAt.ToDateTimeOffset() >= stats.StartedAt.ToDateTimeOffset());
        if (stats.CompletionTokens > 1)
        {
            Assert.True(stats.TimeToFirstTokenMs <= stats.TotalLatencyMs);
            Assert.Equal((stats.CompletionTokens - 1) / (stats.GenerationMs / 1000), stats.GenerationTokensPerSecond, 6);
        }
    }

    [Fact]
    public async Task Chat_with_memory_service_down_still_replies_and_says_memory_was_unavailable()
    {
        var responses = await App.Client.ChatToEndAsync(ChatExtensions.Request("do you remember my cat?"));
        var stats = responses[^1].Stats;

        Assert.False(stats.MemoryAvailable);
        Assert.Equal(0u, stats.MemoriesUsed);
        Assert.NotEqual(StopReason.Unspecified, stats.StopReason);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_reply()
    {
        var request = ChatExtensions.Request("hello", maxTokens: 10, session: "seeded-1");
        request.Sampling = new Sampling { Seed = 1234, Temperature = 0.8f };
        var again = request.Clone();
        again.SessionId = "seeded-2";

        var first = await App.Client.ChatToEndAsync(request);
        var second = await App.Client.ChatToEndAsync(again);

        Assert.Equal(first.ReplyText(), second.ReplyText());
        Assert.Equal(first[^1].Stats.CompletionTokens, second[^1].Stats.CompletionTokens);
    }

    [Fact]
    public async Task Finished_turn_is_journaled_with_the_stats_and_texts_the_client_saw()
    {
        var responses = await App.Client.ChatToEndAsync(ChatExtensions.Request("remember this", maxTokens: 6, session: "journaled"));

        var turn = Assert.Single((await App.Client.ListTurnsAsync(new ListTurnsRequest { SessionId = "journaled" })).Turns);
        var status = await App.Client.WatchStatus(new WatchStatusRequest()).ResponseStream.ReadAllAsync().FirstAsync();

        Assert.Equal(responses[^1].Stats, turn.Stats);
        Assert.Equal("remember this", turn.UserMessage);
        Assert.Equal(responses.ReplyText(), turn.Reply);
        Assert.Equal(turn.Stats, status.LastTurn);
        Assert.True(status.MessageCount >= 1);
    }

    public static TheoryData<string, ChatRequest> InvalidRequests => new()
    {
        { "empty message", ChatExtensions.Request("") },
        { "whitespace message", ChatExtensions.Request(" \n\t ") },
        { "message over 16 KiB", ChatExtensions.Request(new string('a', 16 * 1024 + 1)) },
        { "max_tokens zero", ChatExtensions.Request("hi", maxTokens: 0) },
        { "max_tokens beyond the context", ChatExtensions.Request("hi", maxTokens: 513) },
        { "unknown persona", ChatExtensions.Request("hi", persona: "pirate") },
        { "session id with spaces", ChatExtensions.Request("hi", session: "my session") },
        { "empty session id", ChatExtensions.Request("hi", session: "") },
        { "session id too long", ChatExtensions.Request("hi", session: new string('s', 65)) },
        { "negative temperature", new ChatRequest { SessionId = "s", Message = "hi", Sampling = new Sampling { Temperature = -1 } } },
        { "top_p zero", new ChatRequest { SessionId = "s", Message = "hi", Sampling = new Sampling { TopP = 0 } } },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Chat_with_bad_input_is_rejected_with_InvalidArgument(string why, ChatRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => App.Client.ChatToEndAsync(request));

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{why}: {error.Status}");
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail));
    }

    [Fact]
    public async Task ListPersonas_lists_the_configured_personas_with_the_default_marked()
    {
        var personas = (await App.Client.ListPersonasAsync(new ListPersonasRequest())).Personas;

        Assert.Equal(["tomodachi", "coach"], personas.Select(p => p.Name));
        Assert.Equal("tomodachi", Assert.Single(personas, p => p.IsDefault).Name);
    }

    [Fact]
    public async Task Model_memory_endpoint_answers_the_original_json_shape()
    {
        using var http = App.CreateClient();

        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/model/memory"));

        var root = json.RootElement;
        Assert.True(root.GetProperty("model_loaded").GetBoolean());
        Assert.True(root.GetProperty("rss_mb").GetDouble() > 10);
        Assert.True(root.GetProperty("vms_mb").GetDouble() >= root.GetProperty("rss_mb").GetDouble());
        // The test process holds several models, so its size may be in either unit; the unit must fit rss_mb.
        var rssMb = root.GetProperty("rss_mb").GetDouble();
        Assert.Matches(rssMb >= 1024 ? @"^\d+\.\d GB$" : @"^\d+\.\d MB$", root.GetProperty("rss_human").GetString());
        Assert.Equal(Environment.ProcessId, root.GetProperty("process_id").GetInt32());
    }
}
