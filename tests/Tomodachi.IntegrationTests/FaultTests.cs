using Grpc.Core;
using Grpc.Health.V1;
using Tomodachi.Inference.V1;
using Tomodachi.AppHost.Supervision;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Knob.V1;
using Tomodachi.Memory.V1;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// Parts of the running suite fail while it is in use; the rest keeps working and everything comes back without
/// anyone touching it: a killed service is started again by the AppHost's supervisor, a stopped one by the test.
/// Each test waits for every resource it broke to be back up before it ends, whatever happened, so the rest of the
/// collection finds a whole suite.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class FaultTests(SuiteFixture suite)
{
    private const string KnobService = "tomodachi.knob.v1.KnobService";

    // Hang guards for the demo model on two shared cores, never measurements.
    private static CancellationToken Within(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Memory_killed_during_a_chat_the_reply_says_memory_was_unavailable_and_the_next_chat_after_restart_uses_it()
    {
        var timeout = Within(300);
        using var channel = suite.CreateGatewayChannel();
        var inference = new InferenceService.InferenceServiceClient(channel);
        var memory = new MemoryService.MemoryServiceClient(channel);
        const string message = "Remember that my cat is called Mochi.";
        TurnStats during;
        var killed = false;
        try
        {
            // Frozen first, so the chat cannot get its memories before the kill lands: it starts while the memory
            // service is up but silent, and the service dies while the chat waits on it.
            await suite.App.FreezeAsync("memory", timeout);
            var chat = ChatAsync(inference, "fault-memory-during", message, timeout);
            await inference.WaitForChatInFlightAsync(timeout);
            await suite.App.KillAsync("memory", timeout);
            killed = true;
            during = await chat;
        }
        finally
        {
            // A frozen service never exits by itself: kill it if the test failed before it did. The AppHost's
            // supervisor starts it again; nobody presses Start.
            if (!killed)
            {
                await suite.App.KillAsync("memory", Within(60));
            }

            await suite.App.WaitForRestartAsync("memory", Within(180));
        }

        // Memory answers a search through the gateway before the chat does: the chat's search has a 2 s budget
        // (Inference:MemoryTimeout), which a service still warming up on a loaded machine could miss.
        await memory.SearchAsync(new SearchRequest { Query = message, K = 1 }, cancellationToken: timeout);
        var after = await ChatAsync(inference, "fault-memory-after", message, timeout);
        var remembered = await memory.SearchAsync(new SearchRequest
        {
            Query = message, K = 5, Filter = new SearchFilter { SessionId = "fault-memory-after" },
        }, cancellationToken: timeout);

        Assert.True(during.CompletionTokens > 0, "the reply did not complete");
        Assert.False(during.MemoryAvailable);
        Assert.Equal(0u, during.MemoriesUsed);
        Assert.True(after.MemoryAvailable, $"the first chat after the restart did not reach the memory service (retrieval {after.RetrievalMs:F0} ms)");
        Assert.Contains(remembered.Hits, hit => hit.Memory.Text == message);
    }

    [Fact]
    public Task Inference_stopped_during_chats_ends_them_with_Unavailable_and_the_gateway_serves_new_chats_after_start() =>
        InferenceRestartedDuringChatsAsync(suite.App.StopAsync, suite.App.StartAsync, "shutting down");

    [Fact]
    public Task Inference_killed_during_chats_ends_them_with_Unavailable_and_the_gateway_serves_new_chats_after_the_supervisor_restarts_it() =>
        InferenceRestartedDuringChatsAsync(suite.App.KillAsync, suite.App.WaitForRestartAsync, "went away");

    private async Task InferenceRestartedDuringChatsAsync(
        Func<string, CancellationToken, Task> bringDown, Func<string, CancellationToken, Task> bringBack, string detail)
    {
        var timeout = Within(300);
        using var channel = suite.CreateGatewayChannel();
        var inference = new InferenceService.InferenceServiceClient(channel);
        var replying = Enumerable.Range(0, 2).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        var chats = replying.Select((first, i) => ChatUntilFailureAsync(inference, $"fault-inference-{i}", first, timeout)).ToList();
        RpcException?[] outcomes;
        try
        {
            await Task.WhenAll(replying.Select(r => r.Task)).WaitAsync(timeout);
            await bringDown("inference", timeout);
            outcomes = await Task.WhenAll(chats);
        }
        finally
        {
            await bringBack("inference", Within(240));
        }

        await inference.WaitForModelLoadedAsync(timeout);
        var stats = await ChatAsync(inference, "fault-inference-after", "Hello again!", timeout);

        Assert.All(outcomes, error =>
        {
            Assert.NotNull(error);
            Assert.True(error.StatusCode == StatusCode.Unavailable, $"the chat ended with {error.StatusCode}: {error.Status.Detail}");
            Assert.Contains(detail, error.Status.Detail);
        });
        Assert.True(stats.CompletionTokens > 0);
    }

    [Fact]
    public async Task Knob_down_its_health_says_so_while_chat_and_memory_work_on()
    {
        var timeout = Within(240);
        using var channel = suite.CreateGatewayChannel();
        var health = new Health.HealthClient(channel);
        HealthCheckResponse knobHealth;
        RpcException knobCall;
        TurnStats stats;
        GetStatsResponse memory;
        ServiceRestarts supervised;
        HttpResponseMessage gatewayHealth;
        using var gatewayHttp = suite.CreateHttpClient("gateway");
        var restartsBefore = (await suite.App.RestartsOfAsync("knob", timeout)).Restarts;
        try
        {
            await suite.App.StopAsync("knob", timeout);
            // The supervisor has seen the exit once it names it; a stop someone asked for is never undone.
            supervised = await suite.App.WaitForRestartsAsync("knob", r => r.State != SupervisedStates.Running, timeout);

            knobHealth = await health.CheckAsync(new HealthCheckRequest { Service = KnobService }, cancellationToken: timeout);
            gatewayHealth = await gatewayHttp.GetAsync("/health", timeout);
            knobCall = await Assert.ThrowsAsync<RpcException>(() =>
                new KnobService.KnobServiceClient(channel).GetStateAsync(new GetStateRequest(), cancellationToken: timeout).ResponseAsync);
            stats = await ChatAsync(new InferenceService.InferenceServiceClient(channel), "fault-knob", "Is the knob gone?", timeout);
            memory = await new MemoryService.MemoryServiceClient(channel).GetStatsAsync(new GetStatsRequest(), cancellationToken: timeout);
        }
        finally
        {
            await suite.App.StartAsync("knob", Within(180));
        }

        var back = await health.CheckAsync(new HealthCheckRequest { Service = KnobService }, cancellationToken: timeout);
        var state = await new KnobService.KnobServiceClient(channel).GetStateAsync(new GetStateRequest(), cancellationToken: timeout);

        Assert.Equal(SupervisedStates.Stopped, supervised.State);
        Assert.Equal(restartsBefore, supervised.Restarts);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, knobHealth.Status);
        // Degraded, not Unhealthy: 200, so nothing restarts the gateway, and it names what is down.
        Assert.Equal(System.Net.HttpStatusCode.OK, gatewayHealth.StatusCode);
        var gatewayHealthText = await gatewayHealth.Content.ReadAsStringAsync(timeout);
        Assert.StartsWith("Degraded: knob", gatewayHealthText);
        Assert.DoesNotContain("memory", gatewayHealthText);
        Assert.Equal(StatusCode.Unavailable, knobCall.StatusCode);
        Assert.True(stats.CompletionTokens > 0);
        Assert.True(stats.MemoryAvailable, "chat lost memory while the knob was down");
        Assert.False(string.IsNullOrEmpty(memory.Stats.Backend));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, back.Status);
        Assert.NotNull(state.State);
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
        // Greedy, the demo model never picks an end-of-generation token: it writes until the context is full, which
        // takes minutes on this machine, so the chat is still replying whenever the fault lands.
        var request = new ChatRequest
        {
            SessionId = session, Message = "Tell me a very long story.", MaxTokens = 2000, Sampling = new Sampling { Temperature = 0 },
        };
        try
        {
            using var call = inference.Chat(request, cancellationToken: cancellationToken);
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
