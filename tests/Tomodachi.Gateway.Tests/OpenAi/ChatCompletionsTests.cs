using System.Net;
using System.Text.Json;
using Tomodachi.Inference.V1;
using static Tomodachi.Gateway.Tests.OpenAi.OpenAiGateway;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>How an OpenAI chat completion request becomes a Complete call, and how its reply comes back.</summary>
public sealed class ChatCompletionsTests
{
    [Fact]
    public async Task A_chat_completion_sends_the_whole_conversation_and_sampling_and_answers_with_the_reply_and_exact_usage()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions", """
            {"model":"test-model","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":"Hello!"},
              {"role":"user","content":[{"type":"text","text":"How are"},{"type":"text","text":"you?"}]}],
             "max_tokens":40,"temperature":0.5,"top_p":0.9,"seed":42,"stop":["\n\n","END"],"user":"someone@example.com"}
            """);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.Script.Received);
        Assert.Equal(
            [(MessageRole.System, "Be brief."), (MessageRole.User, "Hi"), (MessageRole.Assistant, "Hello!"), (MessageRole.User, "How are\nyou?")],
            sent.Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal(("", ""), (sent.Persona, sent.SessionId)); // a plain chat: no persona, and `user` keeps nothing
        Assert.Equal(40u, sent.MaxTokens);
        Assert.Equal((0.5f, 0.9f, 42u), (sent.Sampling.Temperature, sent.Sampling.TopP, sent.Sampling.Seed));
        Assert.False(sent.Sampling.HasTopK);
        Assert.Equal(["\n\n", "END"], sent.Stop);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("test-model", body.GetProperty("model").GetString());
        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray().ToList());
        Assert.Equal(("assistant", "Hello there", "stop"),
            (choice.GetProperty("message").GetProperty("role").GetString(), choice.GetProperty("message").GetProperty("content").GetString(),
             choice.GetProperty("finish_reason").GetString()));
        var usage = body.GetProperty("usage");
        Assert.Equal((31, 2, 33, 12), (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("total_tokens").GetInt32(), usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32()));
    }

    [Theory]
    [InlineData(StopReason.MaxTokens, "length")]
    [InlineData(StopReason.ContextFull, "length")]
    [InlineData(StopReason.StopSequence, "stop")]
    [InlineData(StopReason.EndOfGeneration, "stop")]
    public async Task The_finish_reason_says_whether_the_reply_was_cut(StopReason stop, string finishReason)
    {
        await using var gateway = await StartAsync(script => script.Complete = InferenceScript.ReplyAsync(["x"], stop));

        using var response = await gateway.PostAsync("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(finishReason, (await JsonAsync(response)).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Max_completion_tokens_is_the_reply_limit_when_both_limits_are_sent()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions",
            """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"max_tokens":100,"max_completion_tokens":7,"stop":"END"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.Script.Received);
        Assert.Equal(7u, sent.MaxTokens);
        Assert.Equal(["END"], sent.Stop);
    }

    [Theory]
    [InlineData(""" "response_format":{"type":"json_object"} """, ReplyFormat.JsonObject)]
    [InlineData(""" "response_format":{"type":"text"} """, ReplyFormat.Text)]
    [InlineData(""" "stream":false """, ReplyFormat.Text)]
    public async Task A_json_object_response_format_asks_for_a_json_reply(string field, ReplyFormat format)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":[{"role":"user","content":"Hi"}],{{field}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(format, Assert.Single(gateway.Script.Received).ReplyFormat);
    }

    [Fact]
    public async Task Fields_this_server_does_not_know_are_ignored()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions",
            """{"model":"test-model","messages":[{"role":"user","content":"Hi","name":"ann"}],"presence_penalty":0,"store":false,"metadata":{"a":"b"},"n":1,"tools":[],"tool_choice":"none","response_format":{"type":"text"},"some_future_field":[1,2]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_companion_model_names_the_persona_and_the_session_header_names_the_conversation()
    {
        await using var gateway = await StartAsync();

        using var withHeader = await gateway.PostAsync("/v1/chat/completions",
            """{"model":"tomodachi:coach","messages":[{"role":"user","content":"Hi"}],"user":"from-user-field"}""",
            ("X-Tomodachi-Session", "from-header"));
        using var withUser = await gateway.PostAsync("/v1/chat/completions",
            """{"model":"tomodachi:coach","messages":[{"role":"user","content":"Hi"}],"user":"from-user-field"}""");
        using var stateless = await gateway.PostAsync("/v1/chat/completions", """{"model":"tomodachi:tomodachi","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { withHeader.StatusCode, withUser.StatusCode, stateless.StatusCode });
        Assert.Equal([("coach", "from-header"), ("coach", "from-user-field"), ("tomodachi", "")],
            gateway.Script.Received.Select(r => (r.Persona, r.SessionId)));
        Assert.Equal("tomodachi:coach", (await JsonAsync(withHeader)).GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_streamed_completion_sends_the_role_then_the_text_then_the_finish_reason_then_the_usage_then_done()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions",
            """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""");
        var events = await EventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        var choices = chunks[..^1].Select(c => c.GetProperty("choices").EnumerateArray().Single()).ToList();
        Assert.Equal("assistant", choices[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("Hello there", string.Concat(choices.Select(c => c.GetProperty("delta").TryGetProperty("content", out var text) ? text.GetString() : "")));
        Assert.Equal([null, null, null, "stop"], choices.Select(c => c.GetProperty("finish_reason").GetString()));
        Assert.Empty(chunks[^1].GetProperty("choices").EnumerateArray());
        Assert.Equal(33, chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.All(chunks[..^1], c => Assert.False(c.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task A_streamed_completion_without_include_usage_carries_no_usage()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stream":true}""");
        var events = await EventsAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal("stop", JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(events, e => e.Contains("usage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_that_breaks_off_ends_with_an_error_event_and_no_done()
    {
        await using var gateway = await StartAsync(script => script.Complete = async (_, writer, context) =>
        {
            await writer.WriteAsync(new CompleteResponse { Delta = "Once" }, context.CancellationToken);
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "The inference service is shutting down."));
        });

        using var response = await gateway.PostAsync("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stream":true}""");
        var events = await EventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal("The inference service is shutting down.", JsonDocument.Parse(events[^1]).RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_leaves_cancels_the_call_to_the_inference_service(bool stream)
    {
        var generating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = await StartAsync(script => script.Complete = async (_, writer, context) =>
        {
            await writer.WriteAsync(new CompleteResponse { Delta = "Once" }, context.CancellationToken);
            generating.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        });

        using (var leaving = new CancellationTokenSource())
        {
            var request = gateway.Http.PostAsync("/v1/chat/completions", new StringContent(
                $$"""{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stream":{{(stream ? "true" : "false")}}}"""), leaving.Token);
            await generating.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await leaving.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }

        await gateway.Script.CallerLeft.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The data of every server-sent event, in order.</summary>
    private static async Task<List<string>> EventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\n\n", text);
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => Assert.IsType<string>(e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : null))];
    }
}
