using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Reply text is sent in deltas at most every Inference:StreamFlushInterval, the first at once.</summary>
public sealed class StreamFlushTests() : TinyModelTests(new Dictionary<string, string?> { ["Inference:StreamFlushInterval"] = "00:00:01" })
{
    private static ChatRequest LongReply() => new()
    {
        SessionId = "flush",
        Message = "Tell me everything about the sea.",
        MaxTokens = 48,
        Sampling = new Sampling { Seed = 11, Temperature = 0 },
    };

    [Fact]
    public async Task Deltas_are_held_for_the_flush_interval_after_the_first()
    {
        var responses = await App.Client.ChatToEndAsync(LongReply());
        var stats = responses[^1].Stats;
        var deltas = responses.Count(r => r.EventCase == ChatResponse.EventOneofCase.Delta);

        Assert.Equal(48u, stats.CompletionTokens);
        // The first text at once, then one delta per elapsed second of generation, then whatever is left at the end.
        Assert.InRange(deltas, 1, 2 + (int)(stats.GenerationMs / 1000));
    }

    [Fact]
    public async Task Held_deltas_carry_the_same_text_as_one_delta_per_token()
    {
        using var perToken = new InferenceApp(new Dictionary<string, string?> { ["Inference:StreamFlushInterval"] = "00:00:00" });
        await perToken.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

        var held = await App.Client.ChatToEndAsync(LongReply());
        var each = await perToken.Client.ChatToEndAsync(LongReply());

        Assert.Equal(each.ReplyText(), held.ReplyText());
        Assert.True(each.Count > held.Count, $"one delta per token sent {each.Count - 1} deltas, held ones {held.Count - 1}");
    }
}
