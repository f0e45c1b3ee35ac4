using Grpc.Core;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Inference:KeepAlive unloads an idle model, and the next chat brings it back.</summary>
public sealed class KeepAliveTests
{
    [Fact]
    public async Task An_idle_model_is_unloaded_after_the_keep_alive_and_the_next_chat_loads_it_again()
    {
        using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:KeepAlive"] = "00:00:01" });
        await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

        var idle = await WaitForModelAsync(app, loaded: false);
        var chat = await app.Client.ChatToEndAsync(ChatExtensions.Request("wake up"));
        var after = (await app.Client.GetModelAsync(new GetModelRequest())).Model;

        Assert.Equal("tiny-v2", idle.Id);
        Assert.Contains("Inference:KeepAlive", idle.LoadError);
        Assert.Equal("tiny-v2", chat[^1].Stats.ModelId);
        Assert.True(after.Loaded);
    }

    [Fact]
    public async Task An_unloaded_model_stays_unloaded_when_the_owner_unloaded_it()
    {
        using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:KeepAlive"] = "00:00:01" });
        await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
        await app.Client.UnloadModelAsync(new UnloadModelRequest());

        var chat = await Assert.ThrowsAsync<RpcException>(() => app.Client.ChatToEndAsync(ChatExtensions.Request("hello?")));

        Assert.Equal(StatusCode.FailedPrecondition, chat.StatusCode);
        Assert.Contains("The model was unloaded.", chat.Status.Detail);
    }

    private static async Task<ModelInfo> WaitForModelAsync(InferenceApp app, bool loaded)
    {
        // A generous bound for a loaded machine, not a measurement: the keep-alive is 1 s.
        var model = (await app.Client.GetModelAsync(new GetModelRequest())).Model;
        for (var i = 0; i < 600 && model.Loaded != loaded; i++)
        {
            await Task.Delay(100);
            model = (await app.Client.GetModelAsync(new GetModelRequest())).Model;
        }

        Assert.Equal(loaded, model.Loaded);
        return model;
    }
}
