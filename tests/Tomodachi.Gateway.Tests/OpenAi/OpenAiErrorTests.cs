using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using static Tomodachi.Gateway.Tests.OpenAi.OpenAiGateway;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>Every refusal of the OpenAI door is OpenAI's error JSON with the status OpenAI's clients expect.</summary>
public sealed class OpenAiErrorTests
{
    private const string Hi = """[{"role":"user","content":"Hi"}]""";

    /// <summary>A valid request to the plain model with <paramref name="fields"/> added.</summary>
    private static string With(string fields) => $$"""{"model":"test-model","messages":{{Hi}},""" + fields + "}";

    public static TheoryData<string, string?, string> UnsupportedRequests => new()
    {
        { With(""" "n":2 """), "n", "n must be 1" },
        { With(""" "tools":[{"type":"function","function":{"name":"f"}}] """), "tools", "does not call tools" },
        { With(""" "functions":[{"name":"f"}] """), "functions", "does not call tools" },
        { With(""" "response_format":{"type":"json_schema","json_schema":{"name":"x"}} """), "response_format", "'json_schema' is not supported" },
        { With(""" "response_format":{"type":"xml"} """), "response_format", "use text or json_object" },
        { With(""" "logprobs":true """), "logprobs", "token probabilities" },
        { With(""" "audio":{"voice":"alloy"} """), "audio", "replies are text" },
        { """{"model":"test-model","messages":[{"role":"tool","content":"42","tool_call_id":"1"},{"role":"user","content":"Hi"}]}""", "messages[0].role", "does not call tools" },
        { """{"model":"test-model","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content", "type 'image_url'" },
        { """{"model":"test-model","messages":[{"role":"narrator","content":"Hi"}]}""", "messages[0].role", "'narrator'" },
        { """{"model":"test-model"}""", "messages", "messages is missing" },
        { $$"""{"messages":{{Hi}}}""", "model", "You must name a model" },
        { With(""" "max_tokens":-1 """), "max_tokens", "positive number of tokens" },
        { With(""" "seed":-5 """), "seed", "seed must be between 0" },
        { With(""" "stop":5 """), "stop", "stop must be a string or an array" },
        { With(""" "temperature":"hot" """), "temperature", "not valid JSON for this endpoint" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}""", "messages[1]", "not valid JSON for this endpoint" }, // where it broke off
        { "not json at all", null, "not valid JSON for this endpoint" },
        { $$"""{"model":"tomodachi:tomodachi","messages":{{Hi}},"stream":true}""", null, "" }, // a control: accepted
    };

    [Theory]
    [MemberData(nameof(UnsupportedRequests))]
    public async Task A_request_this_server_cannot_honour_is_a_400_naming_the_field(string json, string? param, string message)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions", json);

        if (message.Length == 0)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }

        var error = await ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(("invalid_request_error", param), (error.GetProperty("type").GetString(), error.GetProperty("param").GetString()));
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Empty(gateway.Script.Received);
    }

    [Fact]
    public async Task The_session_header_on_a_plain_model_is_a_400()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":{{Hi}}}""", ("X-Tomodachi-Session", "s1"));

        var error = await ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("needs a companion model", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("tomodachi:nobody")]
    public async Task An_unknown_model_is_a_404_model_not_found_listing_the_models(string model)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"{{model}}","messages":{{Hi}}}""");

        var error = await ErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(("model_not_found", "model"), (error.GetProperty("code").GetString(), error.GetProperty("param").GetString()));
        Assert.Equal($"The model '{model}' does not exist here; the models are: test-model, tomodachi:tomodachi, tomodachi:coach.",
            error.GetProperty("message").GetString());
    }

    public static TheoryData<StatusCode, HttpStatusCode, string> ServiceStatuses => new()
    {
        { StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "invalid_request_error" },
        { StatusCode.Unavailable, HttpStatusCode.ServiceUnavailable, "server_error" },
        { StatusCode.FailedPrecondition, HttpStatusCode.ServiceUnavailable, "server_error" },
        { StatusCode.Internal, HttpStatusCode.InternalServerError, "server_error" },
    };

    [Theory]
    [MemberData(nameof(ServiceStatuses))]
    public async Task The_inference_services_status_becomes_the_matching_http_status_with_its_message(StatusCode status, HttpStatusCode http, string type)
    {
        await using var gateway = await StartAsync(script => script.Complete = InferenceScript.Fail(new Status(status, "what the service said")));

        foreach (var stream in new[] { "false", "true" })
        {
            using var response = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":{{Hi}},"stream":{{stream}}}""");

            var error = await ErrorAsync(response, http);
            Assert.Equal(type, error.GetProperty("type").GetString());
            Assert.Contains("what the service said", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task A_full_queue_is_a_429_with_retry_after_in_whole_seconds_rounded_up()
    {
        await using var gateway = await StartAsync(script => script.Complete =
            InferenceScript.Fail(new Status(StatusCode.ResourceExhausted, "The queue is full."), new Metadata { { "retry-after-ms", "1500" } }));

        using var response = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":{{Hi}}}""");

        var error = await ErrorAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(("The queue is full.", "rate_limit_exceeded"), (error.GetProperty("message").GetString(), error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task An_unreachable_inference_service_is_a_503()
    {
        await using var gateway = await StartAsync(settings: [("Services:inference:grpc:0", "http://127.0.0.1:1")]);

        using var response = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":{{Hi}}}""");

        await ErrorAsync(response, HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task With_an_api_key_a_request_without_it_is_a_401_and_with_it_as_bearer_is_answered()
    {
        const string key = "a-key-of-sixteen-or-more";
        await using var gateway = await StartAsync(settings: [("Tomodachi:ApiKey", key)]);

        using var without = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":{{Hi}}}""");
        using var wrong = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":{{Hi}}}""", ("Authorization", "Bearer nope"));
        using var with = await gateway.PostAsync("/v1/chat/completions", $$"""{"model":"test-model","messages":{{Hi}}}""", ("Authorization", $"Bearer {key}"));

        Assert.Equal("invalid_api_key", (await ErrorAsync(without, HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
        await ErrorAsync(wrong, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_whether_its_length_is_declared_or_chunked()
    {
        const int limit = 2048;
        await using var gateway = await StartAsync(settings: [("Tomodachi:Limits:MaxRequestBodyBytes", limit.ToString())]);
        var big = $$"""{"model":"test-model","messages":[{"role":"user","content":"{{new string('a', limit)}}"}]}""";

        using var declared = await gateway.PostAsync("/v1/chat/completions", big);
        var chunked = await ChunkedPostAsync(gateway.Http.BaseAddress!, "/v1/chat/completions", big);

        Assert.Equal("request_too_large", (await ErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge)).GetProperty("code").GetString());
        Assert.StartsWith("HTTP/1.1 413", chunked);
        Assert.Contains("\"code\":\"request_too_large\"", chunked);
        Assert.Empty(gateway.Script.Received);
    }

    [Fact]
    public async Task An_unknown_path_under_v1_is_a_404_in_openai_json_not_a_web_page()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/completions", """{"model":"test-model","prompt":"Hi"}""");

        var error = await ErrorAsync(response, HttpStatusCode.NotFound);
        Assert.StartsWith("This server has no POST /v1/completions", error.GetProperty("message").GetString());
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {expected}, got {response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.True(error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _), text);
        return error;
    }

    /// <summary>A chunked POST, so the gateway cannot know the size before reading; returns the whole answer.</summary>
    private static async Task<string> ChunkedPostAsync(Uri server, string path, string json)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var body = Encoding.UTF8.GetBytes(json);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
            $"{body.Length:x}\r\n"));
        await stream.WriteAsync(body);
        await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
