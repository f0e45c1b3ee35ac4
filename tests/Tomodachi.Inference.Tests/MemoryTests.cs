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
    public async Task Memories_found_go_into_the_prompt_and_the_user_message_is_stored_afterwards()
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
        var stored = Assert.Single(Assert.Single(_memory.Stored).Memories);
        Assert.Equal(("what is my cat called?", MemoryRole.User, "cat-chat"), (stored.Text, stored.Role, stored.SessionId));
    }

    /// <summary>
    /// The model's reply is conversation history, not something Tomodachi remembers about the user: it is not stored,
    /// and the next turn's search asks for what the user stated only, so a reply could not come back even if one were kept.
    /// </summary>
    [Fact]
    public async Task A_reply_is_neither_stored_as_a_memory_nor_recalled_in_a_later_turn()
    {
        var first = await _app.Client.ChatToEndAsync(ChatExtensions.Request("I have a red bicycle.", maxTokens: 12, session: "bike"));
        var second = await _app.Client.ChatToEndAsync(ChatExtensions.Request("What colour is my bicycle?", maxTokens: 4, session: "bike"));
        var reply = first.ReplyText();
        var recalled = (await _app.Client.ListTurnsAsync(new ListTurnsRequest { SessionId = "bike" })).Turns[0].RecalledMemories;

        Assert.NotEqual("", reply.Trim());
        Assert.Equal(["I have a red bicycle.", "What colour is my bicycle?"], _memory.Stored.SelectMany(b => b.Memories).Select(m => m.Text));
        Assert.All(_memory.Stored.SelectMany(b => b.Memories), m => Assert.Equal(MemoryRole.User, m.Role));
        Assert.All(_memory.Searches, s => Assert.Equal(MemoryRole.User, s.Filter.Role));
        Assert.DoesNotContain(reply, recalled);
        // The first message is in the second prompt's history already, so it is not recalled again either.
        Assert.Equal(["The user's cat is called Mochi.", "The user likes ramen."], recalled);
        Assert.Equal(2u, second[^1].Stats.MemoriesUsed);
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
