using Grpc.Core;
using Grpc.Health.V1;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Knob.V1;
using Tomodachi.Memory.V1;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// Parts of the running suite fail while it is in use; the rest keeps working and everything comes back without
/// anyone touching it. Each test brings every resource it broke back up before it ends, whatever happened, so the
/// rest of the collection finds a whole suite.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class FaultTests(SuiteFixture suite)
{
    // Bounds for the demo model on two shared cores, never measurements.
    private static CancellationToken Within(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Memory_killed_during_a_chat_the_reply_says_memory_was_unavailable_and_the_next_chat_after_restart_uses_it()
    {
        var timeout = Within(300);
        using var channel = suite.CreateGatewayChannel();
        var inference = new InferenceService.InferenceServiceClient(channel);
        const string message = "Remember that my cat is called Mochi.";
        TurnStats during;
        try
        {
            // Frozen first, so the chat cannot get its memories before the kill lands: it starts while the memory
            // service is up but silent, and the service dies while the chat waits on it.
            await suite.App.FreezeAsync("memory", timeout);
            var chat = ChatAsync(inference, "fault-memory-during", message, timeout);
            await inference.WaitForChatInFlightAsync(timeout);
            await suite.App.KillAsync("memory", timeout);
            during = await chat;
        }
        finally
        {
            await suite.App.KillAsync("memory", Within(60));
            await suite.App.StartAsync("memory", Within(180));
        }

        var after = await ChatAsync(inference, "fault-memory-after", message, timeout);
        var remembered = await new MemoryService.MemoryServiceClient(channel).SearchAsync(new SearchRequest
        {
            Query = message, K = 5, Filter = new SearchFilter { SessionId = "fault-memory-after" },
        }, cancellationToken: timeout);

        Assert.True(during.CompletionTokens > 0, "the reply did not complete");
        Assert.False(during.MemoryAvailable);
        Assert.Equal(0u, during.MemoriesUsed);
        Assert.True(after.MemoryAvailable, "the first chat after the restart did not reach the memory service");
        Assert.Contains(remembered.Hits, hit => hit.Memory.Text == message);
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("kill")]
    public async Task Inference_restarted_during_chats_ends_them_with_Unavailable_and_the_gateway_serves_new_chats(string how)
    {
        var timeout = Within(300);
        using var channel = suite.CreateGatewayChannel();
        var inference = new InferenceService.InferenceServiceClient(channel);
        var replying = Enumerable.Range(0, 2).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        var chats = replying.Select((first, i) => ChatUntilFailureAsync(inference, $"fault-inference-{how}-{i}", first, timeout)).ToList();
        try
        {
            await Task.WhenAll(replying.Select(r => r.Task)).WaitAsync(timeout);
            // Stopped (the dashboard's graceful stop) or killed, then started again.
            if (how == "kill")
            {
                await suite.App.KillAsync("inference", timeout);
            }
            else
            {
                await suite.App.StopAsync("inference", timeout);
            }

            var outcomes = await Task.WhenAll(chats);

            Assert.All(outcomes, error =>
            {
                Assert.NotNull(error);
                Assert.True(error.StatusCode == StatusCode.Unavailable, $"the chat ended with {error.StatusCode}: {error.Status.Detail}");
            });
        }
        finally
        {
            await suite.App.StartAsync("inference", Within(240));
        }

        var stats = await ChatAsync(inference, $"fault-inference-{how}-after", "Hello again!", timeout);
        Assert.True(stats.CompletionTokens > 0);
    }

    [Fact]
    public async Task Knob_down_its_health_says_so_while_chat_and_memory_work_on()
    {
        var timeout = Within(240);
        using var channel = suite.CreateGatewayChannel();
        var health = new Health.HealthClient(channel);
        try
        {
            await suite.App.StopAsync("knob", timeout);

            var knobHealth = await health.CheckAsync(new HealthCheckRequest { Service = "tomodachi.knob.v1.KnobService" }, cancellationToken: timeout);
            var knobCall = await Assert.ThrowsAsync<RpcException>(() =>
                new KnobService.KnobServiceClient(channel).GetStateAsync(new GetStateRequest(), cancellationToken: timeout).ResponseAsync);
            var stats = await ChatAsync(new InferenceService.InferenceServiceClient(channel), "fault-knob", "Is the knob gone?", timeout);
            var memory = await new MemoryService.MemoryServiceClient(channel).GetStatsAsync(new GetStatsRequest(), cancellationToken: timeout);

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, knobHealth.Status);
            Assert.Equal(StatusCode.Unavailable, knobCall.StatusCode);
            Assert.True(stats.CompletionTokens > 0);
            Assert.True(memory.Stats.Count > 0);
        }
        finally
        {
            await suite.App.StartAsync("knob", Within(180));
        }

        var back = await health.CheckAsync(new HealthCheckRequest { Service = "tomodachi.knob.v1.KnobService" }, cancellationToken: timeout);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, back.Status);
    }

    private static async Task<TurnStats> ChatAsync(InferenceService.InferenceServiceClient inference, string session, string message, CancellationToken cancellationToken)
    {
        using var call = inference.Chat(new ChatRequest { SessionId = session, Message = message, MaxTokens = 24 }, cancellationToken: cancellationToken);
        TurnStats? stats = null;
        await foreach (var reply in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            stats = reply.Stats ?? stats;
        }

        return stats ?? throw new InvalidOperationException("the chat ended without stats");
    }

    /// <summary>A long chat; signals its first reply text, returns how it failed (null if it finished).</summary>
    private static async Task<RpcException?> ChatUntilFailureAsync(
        InferenceService.InferenceServiceClient inference, string session, TaskCompletionSource replying, CancellationToken cancellationToken)
    {
        try
        {
            using var call = inference.Chat(new ChatRequest { SessionId = session, Message = "Tell me a very long story.", MaxTokens = 2000 },
                cancellationToken: cancellationToken);
            await foreach (var reply in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                replying.TrySetResult();
            }

            return null;
        }
        catch (RpcException error)
        {
            replying.TrySetResult();
            return error;
        }
    }
}
