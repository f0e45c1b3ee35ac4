using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Chat with a memory service that answers over real gRPC.</summary>
public sealed class MemoryTests : IAsyncLifetime
{
    private FakeMemoryServer _memory = null!;
    private InferenceApp _app = null!;

    public async Task InitializeAsync()
    {
        _memory = await FakeMemoryServer.StartAsync(["The user's cat is called Mochi.", "The user likes ramen."]);
        _app = new InferenceApp(new Dictionary<string, string?>
        {
            ["services:memory:grpc:0"] = _memory.Address,
            // Random weights route at random; the fixed rule always searches memory, which these tests need.
            ["Inference:OrchestratorMode"] = "Rules",
            // Generous, so a busy machine does not turn a healthy memory service into a timeout.
            ["Inference:MemoryTimeout"] = "00:00:05",
        });
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
    }

    [Fact]
    public async Task Memories_found_go_into_the_prompt_and_the_exchange_is_stored_afterwards()
    {
        var withoutMemories = await _app.Client.CountTokensAsync(new CountTokensRequest
        {
            Text = "<|im_start|>system\nYou are Tomodachi, a kind and curious companion. Reply warmly and briefly.<|im_end|>\n"
                + "<|im_start|>user\nwhat is my cat called?<|im_end|>\n<|im_start|>assistant\n",
            AddBos = true,
        });

        var responses = await _app.Client.ChatToEndAsync(ChatExtensions.Request("what is my cat called?", persona: "tomodachi", session: "cat-chat"));
        var stats = responses[^1].Stats;

        Assert.True(stats.MemoryAvailable);
        Assert.Equal(2u, stats.MemoriesUsed);
        Assert.True(stats.PromptTokens > withoutMemories.TokenCount);
        Assert.True(stats.OrchestratorFallback);
        Assert.Equal("what is my cat called?", Assert.Single(_memory.Searches).Query);
        var stored = Assert.Single(_memory.Stored);
        Assert.Equal("what is my cat called?", stored.Memories[0].Text);
        Assert.Equal(MemoryRole.User, stored.Memories[0].Role);
        Assert.All(stored.Memories, m => Assert.Equal("cat-chat", m.SessionId));
        var reply = responses.ReplyText();
        Assert.Equal(reply.Length > 0 ? reply : null, stored.Memories.Skip(1).SingleOrDefault()?.Text);
    }

    /// <summary>A search that finds memory UNAVAILABLE is tried once more; a second refusal leaves the reply without memories.</summary>
    [Theory]
    [InlineData(1, true, 2u)]
    [InlineData(2, false, 0u)]
    public async Task A_search_refused_as_unavailable_is_tried_once_more(int refused, bool available, uint memoriesUsed)
    {
        _memory.SearchesRefused = refused;

        var responses = await _app.Client.ChatToEndAsync(ChatExtensions.Request("what is my cat called?", maxTokens: 4));
        var stats = responses[^1].Stats;

        Assert.Equal(available, stats.MemoryAvailable);
        Assert.Equal(memoriesUsed, stats.MemoriesUsed);
        Assert.Equal(2, _memory.Searches.Count);
    }

    [Fact]
    public async Task Memory_service_slower_than_the_timeout_does_not_stop_the_reply()
    {
        _memory.SearchDelay = TimeSpan.FromMinutes(1);

        var responses = await _app.Client.ChatToEndAsync(ChatExtensions.Request("do you remember me?", maxTokens: 4));
        var stats = responses[^1].Stats;

        Assert.False(stats.MemoryAvailable);
        Assert.Equal(0u, stats.MemoriesUsed);
        Assert.NotEmpty(_memory.Searches);
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _memory.DisposeAsync();
    }
}
