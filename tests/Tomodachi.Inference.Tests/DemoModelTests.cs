using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

public sealed class DemoModelTests : IDisposable
{
    private readonly InferenceApp _app = new(new Dictionary<string, string?>
    {
        ["Inference:Model"] = "",
        ["Inference:Demo:VocabSize"] = "400",
        ["Inference:Demo:EmbeddingLength"] = "64",
        ["Inference:Demo:BlockCount"] = "1",
        ["Inference:Demo:FeedForwardLength"] = "128",
    });

    [Fact]
    public async Task Without_a_configured_model_a_demo_model_is_generated_and_flagged_everywhere()
    {
        var loaded = (await _app.Client.LoadModelAsync(new LoadModelRequest())).Model;
        var stats = (await _app.Client.ChatToEndAsync(ChatExtensions.Request("hi", maxTokens: 3)))[^1].Stats;

        Assert.True(loaded.Loaded);
        Assert.True(loaded.Demo);
        Assert.True(File.Exists(loaded.Path));
        Assert.StartsWith("tomodachi-demo", loaded.Id);
        Assert.True(loaded.HasChatTemplate);
        Assert.True(stats.Demo);
    }

    public void Dispose() => _app.Dispose();
}
