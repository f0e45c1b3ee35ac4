using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>
/// LoadModel as one owner of model loading: requests name files only inside the model folders, the file is checked
/// before the running model is touched, and a failed load never ends without the model that was serving — whether
/// the new model was loaded beside the old one or the old one had to make room.
/// </summary>
public sealed class ModelSwitchTests
{
    public static TheoryData<bool> FreeMemory => new() { true, false };

    private static InferenceApp App(bool roomForTwo) =>
        new(services: roomForTwo ? null : services => services.Replace(ServiceDescriptor.Singleton<IFreeMemory>(new FixedFreeMemory(0))));

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/../etc/hostname")]
    [InlineData("../outside.gguf")]
    public async Task A_path_outside_the_model_folders_is_PermissionDenied_and_the_model_stays_loaded(string path)
    {
        using var app = new InferenceApp();
        await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

        var refused = await Assert.ThrowsAsync<RpcException>(() => app.Client.LoadModelAsync(new LoadModelRequest { Path = path }).ResponseAsync);
        var model = (await app.Client.GetModelAsync(new GetModelRequest())).Model;
        var chat = await app.Client.ChatToEndAsync(ChatExtensions.Request("still there?"));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("outside the model folders", refused.Status.Detail);
        Assert.Contains("Inference:ModelFolders", refused.Status.Detail);
        Assert.True(model.Loaded);
        Assert.Equal("tiny-v2", model.Id);
        Assert.Equal("tiny-v2", chat.Last().Stats.ModelId);
    }

    [Theory]
    [MemberData(nameof(FreeMemory))]
    public async Task A_failed_load_of_a_valid_looking_broken_file_leaves_the_old_model_serving(bool roomForTwo)
    {
        using var app = App(roomForTwo);
        await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
        var broken = await TestModels.BrokenTinyAsync();

        var failed = await Assert.ThrowsAsync<RpcException>(() => app.Client.LoadModelAsync(new LoadModelRequest { Path = broken }).ResponseAsync);
        var model = (await app.Client.GetModelAsync(new GetModelRequest())).Model;
        var chat = await app.Client.ChatToEndAsync(ChatExtensions.Request("are you still there?"));

        Assert.Equal(StatusCode.FailedPrecondition, failed.StatusCode);
        Assert.Contains("llama.cpp could not load the model", failed.Status.Detail);
        Assert.Contains("tiny-v2 is still loaded", failed.Status.Detail);
        Assert.Equal(!roomForTwo, failed.Status.Detail.Contains("was loaded again", StringComparison.Ordinal));
        Assert.True(model.Loaded);
        Assert.Equal("tiny-v2", model.Id);
        Assert.Empty(model.LoadError);
        Assert.Equal("tiny-v2", chat.Last().Stats.ModelId);
    }

    [Theory]
    [MemberData(nameof(FreeMemory))]
    public async Task A_switch_puts_the_new_model_in_place_and_chats_go_to_it(bool roomForTwo)
    {
        using var app = App(roomForTwo);
        await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

        var loaded = (await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.OtherTinyAsync() })).Model;
        var chat = await app.Client.ChatToEndAsync(ChatExtensions.Request("who is this?"));

        Assert.Equal(("other-tiny-v1", true), (loaded.Id, loaded.Loaded));
        Assert.Equal("other-tiny-v1", chat.Last().Stats.ModelId);
    }

    [Fact]
    public async Task A_file_that_is_no_model_is_refused_before_the_running_model_is_touched()
    {
        using var app = App(roomForTwo: false);
        await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
        var text = TestModels.ScratchPath("notes.gguf");
        await File.WriteAllTextAsync(text, "not a model");

        var failed = await Assert.ThrowsAsync<RpcException>(() => app.Client.LoadModelAsync(new LoadModelRequest { Path = text }).ResponseAsync);
        var model = (await app.Client.GetModelAsync(new GetModelRequest())).Model;

        Assert.Equal(StatusCode.FailedPrecondition, failed.StatusCode);
        Assert.Contains("Not a GGUF", failed.Status.Detail);
        Assert.DoesNotContain("loaded again", failed.Status.Detail);
        Assert.True(model.Loaded);
    }

    [Theory]
    [InlineData("model\0.gguf")]
    [InlineData("hf:owner/../model.gguf")]
    public async Task A_malformed_name_is_InvalidArgument(string name)
    {
        using var app = new InferenceApp();

        var refused = await Assert.ThrowsAsync<RpcException>(() => app.Client.LoadModelAsync(new LoadModelRequest { Path = name }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public async Task An_unknown_name_is_NotFound_naming_it_and_the_folders()
    {
        using var app = new InferenceApp();

        var missing = await Assert.ThrowsAsync<RpcException>(() => app.Client.LoadModelAsync(new LoadModelRequest { Path = "no-such-model" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'no-such-model'", missing.Status.Detail);
        Assert.Contains(TestModels.Folder, missing.Status.Detail);
    }
}
