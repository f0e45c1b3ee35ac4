using System.Diagnostics;
using Grpc.Core;
using LLama;
using LLama.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Tomodachi.Inference.Models;
using Tomodachi.Models.Llama;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

public sealed class ModelTests : IDisposable
{
    private readonly InferenceApp _app = new();

    [Fact]
    public async Task GetModel_describes_the_loaded_generated_model()
    {
        var path = await TestModels.TinyAsync();
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = path });

        var model = (await _app.Client.GetModelAsync(new GetModelRequest())).Model;

        Assert.True(model.Loaded);
        Assert.False(model.Demo);
        Assert.Equal("tiny-v2", model.Id);
        Assert.Equal("llama", model.Architecture);
        Assert.Equal((ulong)TestModels.TinySpec.ParameterCount, model.ParameterCount);
        Assert.Equal("F32", model.Quantization);
        Assert.Equal(512u, model.ContextLength);
        Assert.Equal(400u, model.VocabSize);
        Assert.Equal((ulong)new FileInfo(path).Length, model.FileSizeBytes);
        Assert.True(model.HasChatTemplate);
        Assert.Empty(model.LoadError);
    }

    [Fact]
    public async Task GpuLayers_on_the_CPU_backend_offloads_nothing_and_GetModel_says_where_the_model_runs()
    {
        using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:GpuLayers"] = "999" });
        await app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

        var model = (await app.Client.GetModelAsync(new GetModelRequest())).Model;
        await app.Client.UnloadModelAsync(new UnloadModelRequest());
        var unloaded = (await app.Client.GetModelAsync(new GetModelRequest())).Model;

        // LLamaSharp.Backend.Cpu: llama.cpp's only device is the CPU, so nothing is offloaded whatever was asked.
        Assert.Equal("CPU", model.Backend);
        Assert.Equal(0u, model.GpuLayers);
        Assert.Equal((uint)TestModels.TinySpec.BlockCount + 1, model.LayerCount);
        Assert.Empty(unloaded.Backend);
        Assert.Equal(0u, unloaded.LayerCount);
    }

    [Fact]
    public void GpuLayers_below_zero_is_refused_at_start_up_naming_the_setting()
    {
        var error = Assert.ThrowsAny<Exception>(() =>
        {
            using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:GpuLayers"] = "-1" });
            _ = app.Client;
        });

        Assert.Contains("GpuLayers", error.ToString());
    }

    [Theory]
    [InlineData("hello", false)]
    [InlineData("hello", true)]
    [InlineData("Remember that my cat is called Mochi 🐱!", true)]
    public async Task CountTokens_equals_the_models_own_tokenizer(string text, bool addBos)
    {
        var path = await TestModels.TinyAsync();
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = path });
        LlamaNative.EnsureLoaded(NullLogger.Instance);
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { VocabOnly = true });

        var counted = await _app.Client.CountTokensAsync(new CountTokensRequest { Text = text, AddBos = addBos });

        Assert.Equal(weights.Tokenize(text, addBos, true, System.Text.Encoding.UTF8).Length, (int)counted.TokenCount);
    }

    [Fact]
    public async Task CountTokens_without_a_model_fails_with_FailedPrecondition()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _app.Client.CountTokensAsync(new CountTokensRequest { Text = "hi" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "not-gguf", "Not a GGUF" },
        { "truncated", "truncated" },
        { "unsupported-architecture", "Unsupported model architecture 'rwkvx'" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Bad_model_file_leaves_the_service_up_with_no_model_and_a_clear_reason(string kind, string reason)
    {
        var path = await BadFileAsync(kind);

        var load = await Assert.ThrowsAsync<RpcException>(() => _app.Client.LoadModelAsync(new LoadModelRequest { Path = path }).ResponseAsync);
        var model = (await _app.Client.GetModelAsync(new GetModelRequest())).Model;
        var chat = await Assert.ThrowsAsync<RpcException>(() => _app.Client.ChatToEndAsync(ChatExtensions.Request("hello")));

        Assert.Equal(StatusCode.FailedPrecondition, load.StatusCode);
        Assert.Contains(reason, load.Status.Detail);
        Assert.False(model.Loaded);
        Assert.Contains(reason, model.LoadError);
        Assert.Equal(StatusCode.FailedPrecondition, chat.StatusCode);
        Assert.Contains(reason, chat.Status.Detail);
    }

    [Fact]
    public async Task A_missing_model_file_is_NotFound_and_nothing_changes()
    {
        var missing = TestModels.ScratchPath("missing.gguf");

        var load = await Assert.ThrowsAsync<RpcException>(() => _app.Client.LoadModelAsync(new LoadModelRequest { Path = missing }).ResponseAsync);
        var model = (await _app.Client.GetModelAsync(new GetModelRequest())).Model;

        Assert.Equal(StatusCode.NotFound, load.StatusCode);
        Assert.Contains(missing, load.Status.Detail);
        Assert.Equal("The model has not been loaded yet.", model.LoadError);
    }

    [Fact]
    public async Task While_the_model_loads_calls_are_asked_to_come_back_with_Unavailable()
    {
        // A named pipe holds the load in its open until the test opens the other end: a load as slow as the test needs.
        var pipe = TestModels.ScratchPath("loading.gguf");
        using (var mkfifo = Process.Start("mkfifo", pipe))
        {
            await mkfifo.WaitForExitAsync();
        }

        try
        {
            var load = _app.Client.LoadModelAsync(new LoadModelRequest { Path = pipe }).ResponseAsync;
            await LoadErrorBecomesAsync("The model is loading.");

            var chat = await Assert.ThrowsAsync<RpcException>(() => _app.Client.ChatToEndAsync(ChatExtensions.Request("hello")));
            var count = await Assert.ThrowsAsync<RpcException>(() => _app.Client.CountTokensAsync(new CountTokensRequest { Text = "hi" }).ResponseAsync);
            await using (new FileStream(pipe, FileMode.Open, FileAccess.Write))
            {
            }

            var failed = await Assert.ThrowsAsync<RpcException>(() => load);
            var chatAfter = await Assert.ThrowsAsync<RpcException>(() => _app.Client.ChatToEndAsync(ChatExtensions.Request("hello")));

            Assert.Equal((StatusCode.Unavailable, "The model is still loading; try again in a moment."), (chat.StatusCode, chat.Status.Detail));
            Assert.Equal(StatusCode.Unavailable, count.StatusCode);
            Assert.Equal(StatusCode.FailedPrecondition, failed.StatusCode);
            Assert.Contains("Not a regular file", failed.Status.Detail);
            Assert.Equal(StatusCode.FailedPrecondition, chatAfter.StatusCode);
            Assert.Contains("Not a regular file", chatAfter.Status.Detail);
        }
        finally
        {
            File.Delete(pipe);
        }
    }

    private async Task LoadErrorBecomesAsync(string expected)
    {
        var model = (await _app.Client.GetModelAsync(new GetModelRequest())).Model;
        for (var attempt = 0; attempt < 300 && model.LoadError != expected; attempt++)
        {
            await Task.Delay(50);
            model = (await _app.Client.GetModelAsync(new GetModelRequest())).Model;
        }

        Assert.Equal(expected, model.LoadError);
    }

    [Fact]
    public async Task Unloading_releases_the_weights_and_resident_memory_drops()
    {
        var path = await TestModels.LargeAsync();
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = path });
        // A reply touches every weight, so the whole file is resident before unloading.
        await _app.Client.ChatToEndAsync(ChatExtensions.Request("hello", maxTokens: 2));

        var unload = await _app.Client.UnloadModelAsync(new UnloadModelRequest());
        var memory = (await _app.Client.GetProcessMemoryAsync(new GetProcessMemoryRequest())).Memory;

        var fileSize = (long)new FileInfo(path).Length;
        Assert.False(unload.Model.Loaded);
        Assert.False(memory.ModelLoaded);
        Assert.True((long)unload.RssBytesBefore - (long)unload.RssBytesAfter > fileSize / 2,
            $"RSS went from {unload.RssBytesBefore} to {unload.RssBytesAfter} bytes unloading a {fileSize}-byte model.");
    }

    [Fact]
    public async Task GetProcessMemory_reads_the_process_itself()
    {
        var memory = (await _app.Client.GetProcessMemoryAsync(new GetProcessMemoryRequest())).Memory;

        Assert.Equal(Environment.ProcessId, memory.Pid);
        Assert.InRange(memory.RssBytes, 10UL << 20, (ulong)Environment.WorkingSet * 2);
        Assert.True(memory.VmsBytes >= memory.RssBytes);
        Assert.False(memory.ModelLoaded);
    }

    private static async Task<string> BadFileAsync(string kind)
    {
        var path = TestModels.ScratchPath($"{kind}.gguf");
        switch (kind)
        {
            case "not-gguf":
                await File.WriteAllTextAsync(path, "this is a text file, not a model");
                break;
            case "truncated":
                var bytes = await File.ReadAllBytesAsync(await TestModels.TinyAsync());
                await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
                break;
            case "unsupported-architecture":
                var model = await File.ReadAllBytesAsync(await TestModels.TinyAsync());
                await File.WriteAllBytesAsync(path, ReplaceArchitecture(model, "rwkvx"));
                break;
        }

        return path;
    }

    /// <summary>Rewrites general.architecture (the writer's first metadata value) to a same-length unknown name.</summary>
    private static byte[] ReplaceArchitecture(byte[] model, string architecture)
    {
        const int value = 4 + 4 + 8 + 8 + 8 + 20 + 4 + 8; // magic, version, counts, key, value type, value length
        System.Text.Encoding.ASCII.GetBytes(architecture).CopyTo(model, value);
        return model;
    }

    public void Dispose() => _app.Dispose();
}
