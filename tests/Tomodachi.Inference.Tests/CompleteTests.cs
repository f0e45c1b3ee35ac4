using System.Text;
using System.Text.Json;
using Grpc.Core;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Complete, the conversation sent whole (the OpenAI door), against the tiny generated model.</summary>
public sealed class CompleteTests : IAsyncLifetime
{
    private readonly InferenceApp _app = new();

    public async Task InitializeAsync() =>
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(3u)]
    public async Task A_json_object_reply_is_json_token_by_token_even_from_random_weights(uint seed)
    {
        var (reply, stats) = await CompleteAsync(ReplyFormat.JsonObject, seed);

        Assert.StartsWith("{", reply);
        // Every token kept the text a JSON object or the start of one; a reply that ended by itself is a whole one.
        var whole = stats.StopReason == StopReason.EndOfGeneration;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(reply), isFinalBlock: whole, state: default);
        while (reader.Read())
        {
        }

        Assert.True(!whole || reader.CurrentDepth == 0, $"The reply ended by itself inside the object: {reply}");
    }

    [Fact]
    public async Task Without_a_reply_format_the_same_request_is_free_text()
    {
        var replies = new List<string>();
        foreach (var seed in new[] { 1u, 2u, 3u })
        {
            replies.Add((await CompleteAsync(ReplyFormat.Unspecified, seed)).Reply);
        }

        // Random weights babble: without the grammar they do not open an object every time.
        Assert.Contains(replies, r => !r.StartsWith('{'));
    }

    [Fact]
    public async Task An_unknown_reply_format_is_refused_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CompleteAsync((ReplyFormat)99, 1));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("reply_format 99 is not a known format", error.Status.Detail);
    }

    private async Task<(string Reply, TurnStats Stats)> CompleteAsync(ReplyFormat format, uint seed)
    {
        var request = new CompleteRequest
        {
            Messages = { new Message { Role = MessageRole.User, Content = "Describe a cat as JSON." } },
            MaxTokens = 48,
            Sampling = new Sampling { Seed = seed, Temperature = 1 },
            ReplyFormat = format,
        };
        using var call = _app.Client.Complete(request, deadline: DateTime.UtcNow.AddMinutes(2));
        var responses = await call.ResponseStream.ToListAsync(10_000);
        return (string.Concat(responses.Select(r => r.Delta)), responses[^1].Stats);
    }
}
