using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Two slots and a wait queue of two on the tiny model.</summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private readonly InferenceApp _app = new();
    private SlotGate Slots => _app.Services.GetRequiredService<SlotGate>();

    public async Task InitializeAsync() =>
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

    [Fact]
    public async Task Four_parallel_chats_on_two_slots_all_complete_with_stats()
    {
        var chats = Enumerable.Range(0, 4)
            .Select(i => _app.Client.ChatToEndAsync(ChatExtensions.Request($"hello number {i}", maxTokens: 16, session: $"s{i}")))
            .ToList();

        var results = await Task.WhenAll(chats);

        Assert.All(results, r => Assert.Equal(ChatResponse.EventOneofCase.Stats, r[^1].EventCase));
        Assert.Equal(4, results.Select(r => r[^1].Stats.TurnId).Distinct().Count());
        Assert.Equal(0, Slots.BusySlots);
    }

    [Fact]
    public async Task Chat_beyond_slots_and_queue_is_refused_with_ResourceExhausted_and_a_retry_hint()
    {
        // Occupy both slots and both queue places directly, so the refusal does not depend on generation speed.
        var held = new List<SlotGate.Slot> { await Slots.AcquireAsync(CancellationToken.None), await Slots.AcquireAsync(CancellationToken.None) };
        using var queueCancel = new CancellationTokenSource();
        var queued = Enumerable.Range(0, 2).Select(_ => Slots.AcquireAsync(queueCancel.Token)).ToList();
        Assert.Equal(2, Slots.QueueDepth);

        var error = await Assert.ThrowsAsync<RpcException>(() => _app.Client.ChatToEndAsync(ChatExtensions.Request("hello")));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("retry", error.Status.Detail);
        Assert.Equal("2000", error.Trailers.GetValue("retry-after-ms"));
        await queueCancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(queued));
        held.ForEach(s => s.Dispose());
        Assert.Equal(0, Slots.QueueDepth);
    }

    [Fact]
    public async Task Cancelling_a_chat_frees_its_slot_at_once()
    {
        // Greedy sampling on this model and prompt never samples end-of-generation within 150 tokens (checked first),
        // so the chat is certainly still generating when it is cancelled.
        var request = ChatExtensions.Request("keep talking", maxTokens: 150);
        request.Sampling = new Sampling { Temperature = 0 };
        var uncancelled = await _app.Client.ChatToEndAsync(request);
        Assert.Equal(StopReason.MaxTokens, uncancelled[^1].Stats.StopReason);

        using var cancel = new CancellationTokenSource();
        using var call = _app.Client.Chat(request, cancellationToken: cancel.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await cancel.CancelAsync();

        var freed = await WaitUntilAsync(() => Slots.BusySlots == 0);
        var status = (await WatchOnceAsync()).LastTurn;

        Assert.True(freed, "The slot was still busy 10 s after the cancel.");
        Assert.Equal(StopReason.Cancelled, status.StopReason);
        Assert.True(status.CompletionTokens < 150);
    }

    private async Task<WatchStatusResponse> WatchOnceAsync()
    {
        using var call = _app.Client.WatchStatus(new WatchStatusRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current;
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }
}
