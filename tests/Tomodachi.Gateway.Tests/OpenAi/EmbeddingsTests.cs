using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Grpc.Core;
using Tomodachi.Memory.V1;
using static Tomodachi.Gateway.Tests.OpenAi.OpenAiGateway;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>POST /v1/embeddings onto the memory service's Embed.</summary>
public sealed class EmbeddingsTests
{
    [Fact]
    public async Task Texts_are_embedded_in_order_with_their_token_counts_as_usage()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/embeddings", $$"""{"model":"{{MemoryScript.Embedder}}","input":["a cat","the dog"]}""");
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.Memory.Received);
        Assert.Equal(["a cat", "the dog"], sent.Texts);
        Assert.Equal(EmbeddingPurpose.Document, sent.Purpose);
        Assert.Equal(("list", MemoryScript.Embedder), (body.GetProperty("object").GetString(), body.GetProperty("model").GetString()));
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.Equal([1f, 0.5f, -1.25f], data[1].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal((12, 12), (body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), body.GetProperty("usage").GetProperty("total_tokens").GetInt32()));
    }

    [Fact]
    public async Task Base64_embeddings_are_the_little_endian_float32_bytes_of_the_same_vector()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/embeddings",
            $$"""{"model":"{{MemoryScript.Embedder}}","input":"one text","encoding_format":"base64","dimensions":3}""");

        var encoded = (await JsonAsync(response)).GetProperty("data")[0].GetProperty("embedding").GetString()!;
        Assert.Equal([0f, 0.5f, -1.25f], MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(encoded)).ToArray());
    }

    public static TheoryData<string, HttpStatusCode, string?, string> Refusals => new()
    {
        { """{"model":"text-embedding-3-small","input":"x"}""", HttpStatusCode.NotFound, "model", $"'{MemoryScript.Embedder}'" },
        { """{"input":"x"}""", HttpStatusCode.BadRequest, "model", "You must name the embedding model" },
        { $$"""{"model":"{{MemoryScript.Embedder}}","input":[[1,2,3]]}""", HttpStatusCode.BadRequest, "input", "token arrays are not supported" },
        { $$"""{"model":"{{MemoryScript.Embedder}}","input":[]}""", HttpStatusCode.BadRequest, "input", "input is empty" },
        { $$"""{"model":"{{MemoryScript.Embedder}}"}""", HttpStatusCode.BadRequest, "input", "input is missing" },
        { $$"""{"model":"{{MemoryScript.Embedder}}","input":"x","encoding_format":"hex"}""", HttpStatusCode.BadRequest, "encoding_format", "use float or base64" },
        { $$"""{"model":"{{MemoryScript.Embedder}}","input":"x","dimensions":2}""", HttpStatusCode.BadRequest, "dimensions", "dimensions must be 3" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_request_for_embeddings_this_server_cannot_make_is_refused_naming_the_field(
        string json, HttpStatusCode status, string? param, string message)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.PostAsync("/v1/embeddings", json);
        var error = (await JsonAsync(response)).GetProperty("error");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, HttpStatusCode.BadRequest)]
    [InlineData(StatusCode.FailedPrecondition, HttpStatusCode.ServiceUnavailable)]
    public async Task The_memory_services_refusal_comes_back_with_its_message(StatusCode status, HttpStatusCode http)
    {
        await using var gateway = await StartAsync(memoryScript: memory =>
            memory.Embed = _ => throw new RpcException(new Status(status, "texts[0] is empty")));

        using var response = await gateway.PostAsync("/v1/embeddings", $$"""{"model":"{{MemoryScript.Embedder}}","input":" "}""");

        Assert.Equal(http, response.StatusCode);
        Assert.Equal("texts[0] is empty", (await JsonAsync(response)).GetProperty("error").GetProperty("message").GetString());
    }
}
