using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Orchestration;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

public sealed class OrchestratorTests : TinyModelTests
{
    private Orchestrator Orchestrator => App.Services.GetRequiredService<Orchestrator>();

    [Theory]
    [InlineData("hello, how was your day?")]
    [InlineData("help me plan my week")]
    [InlineData("do you remember what I told you about my sister?")]
    public async Task Grammar_constrained_decision_from_random_weights_is_valid_json_naming_a_known_persona(string message)
    {
        using var lease = App.Services.GetRequiredService<IModelManager>().TryAcquire()!;

        var decision = await Orchestrator.DecideAsync(lease.Model, message, CancellationToken.None);

        Assert.True(decision.FromModel, "The model's constrained output did not parse.");
        Assert.True(decision.PromptTokens > 0 && decision.CompletionTokens > 0, "The routing generation's tokens were not counted.");
        Assert.Contains(decision.Persona, new[] { "tomodachi", "coach" });
        Assert.Matches("^[a-zA-Z0-9 ]{0,32}$", decision.MemoryQuery);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"persona\": \"tomodachi\", \"use_memory\": tr")]
    [InlineData("{\"persona\": \"pirate\", \"use_memory\": true, \"memory_query\": \"\"}")]
    [InlineData("not json at all")]
    public void Unusable_output_is_rejected_and_the_fallback_is_deterministic(string output)
    {
        Assert.Null(Orchestrator.Parse(output));

        var fallback = Orchestrator.Fallback("what is my cat called?");

        Assert.Equal(new OrchestratorDecision("tomodachi", true, "what is my cat called?", FromModel: false), fallback);
    }

    [Fact]
    public void Grammar_spells_out_every_configured_persona()
    {
        Assert.Contains("persona ::= \"tomodachi\" | \"coach\"", Orchestrator.Grammar);
    }
}
