using Tomodachi.Models.Gguf;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>A persona with a LoRA adapter (written by the GGUF writer) next to the same persona without it.</summary>
public sealed class LoraTests : IAsyncLifetime
{
    private const string SystemPrompt = "You are Tomodachi.";
    private readonly string _adapter = TestModels.ScratchPath("tiny-lora.gguf");
    private InferenceApp _app = null!;

    public async Task InitializeAsync()
    {
        await GgufWriter.WriteLoraAsync(TestModels.TinySpec, rank: 8, _adapter, CancellationToken.None);
        _app = new InferenceApp(new Dictionary<string, string?>
        {
            ["Inference:Personas:2:Name"] = "plain",
            ["Inference:Personas:2:SystemPrompt"] = SystemPrompt,
            ["Inference:Personas:3:Name"] = "tuned",
            ["Inference:Personas:3:SystemPrompt"] = SystemPrompt,
            ["Inference:Personas:3:AdapterPath"] = _adapter,
        });
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
    }

    [Fact]
    public async Task Persona_with_an_adapter_replies_through_it_and_stats_name_the_adapter()
    {
        var plain = await _app.Client.ChatToEndAsync(Greedy("plain", "first"));
        var tuned = await _app.Client.ChatToEndAsync(Greedy("tuned", "second"));
        var plainAgain = await _app.Client.ChatToEndAsync(Greedy("plain", "third"));

        Assert.Equal(Path.GetFileNameWithoutExtension(_adapter), tuned[^1].Stats.Adapter);
        Assert.Empty(plain[^1].Stats.Adapter);
        Assert.Equal(plain[^1].Stats.PromptTokens, tuned[^1].Stats.PromptTokens);
        Assert.NotEqual(plain.ReplyText(), tuned.ReplyText());
        // Switching the adapter off again restores the base model exactly.
        Assert.Equal(plain.ReplyText(), plainAgain.ReplyText());
    }

    [Fact]
    public async Task ListPersonas_shows_the_adapter_path()
    {
        var personas = (await _app.Client.ListPersonasAsync(new ListPersonasRequest())).Personas;

        Assert.Equal(_adapter, Assert.Single(personas, p => p.Name == "tuned").AdapterPath);
    }

    // Each in a conversation of its own, so the three prompts are the same.
    private static ChatRequest Greedy(string persona, string session)
    {
        var request = ChatExtensions.Request("hello friend", maxTokens: 24, persona: persona, session: session);
        request.Sampling = new Sampling { Temperature = 0 };
        return request;
    }


    public Task DisposeAsync()
    {
        _app.Dispose();
        File.Delete(_adapter);
        return Task.CompletedTask;
    }
}
