using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

/// <summary>Two slots and a wait queue of two on the tiny model.</summary>
public sealed class ConcurrencyTests : TinyModelTests
{
    private SlotGate Slots => App.Services.GetRequiredService<SlotGate>();

    [Fact]
    public async Task Four_parallel_chats_on_two_slots_all_complete_with_stats()
    {
        var chats = Enumerable.Range(0, 4)
            .Select(i => App.Client.ChatToEndAsync(ChatExtensions.Request($"hello number {i}", maxTokens: 16, session: $"s{i}")))
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

        var error = await Assert.ThrowsAsync<RpcException>(() => App.Client.ChatToEndAsync(ChatExtensions.Request("hello")));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("retry", error.Status.Detail);
        Assert.Equal("2000", error.Trailers.GetValue("retry-after-ms"));
        await queueCancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(queued));
        held.ForEach(s => s.Dispose());
        Assert.Equal(0, Slots.QueueDepth);
    }

    [Fact]
    public async Task Cancelling_a_generating_chat_frees_its_slot_at_once()
    {
        var request = await LongGreedyRequestAsync();

        using var cancel = new CancellationTokenSource();
        using var call = App.Client.Chat(request, cancellationToken: cancel.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await cancel.CancelAsync();

        var freed = await Waits.UntilAsync(() => Slots.BusySlots == 0);
        var status = (await WatchOnceAsync()).LastTurn;

        Assert.True(freed, "The slot was still busy 10 s after the cancel.");
        Assert.Equal(StopReason.Cancelled, status.StopReason);
        Assert.True(status.CompletionTokens < LongReplyTokens);
    }

    [Fact]
    public async Task Cancelling_a_queued_chat_leaves_the_queue_at_once()
    {
        var held = new[] { await Slots.AcquireAsync(CancellationToken.None), await Slots.AcquireAsync(CancellationToken.None) };
        using var cancel = new CancellationTokenSource();
        using var call = App.Client.Chat(ChatExtensions.Request("hello"), cancellationToken: cancel.Token);
        var queued = await Waits.UntilAsync(() => Slots.QueueDepth == 1);

        await cancel.CancelAsync();
        var left = await Waits.UntilAsync(() => Slots.QueueDepth == 0);

        Assert.True(queued && left, $"queued: {queued}, left the queue: {left}");
        Assert.Equal(2, Slots.BusySlots);
        Array.ForEach(held, s => s.Dispose());
        Assert.Equal(0, Slots.BusySlots);
    }

    [Fact]
    public async Task Unloading_the_model_during_a_reply_ends_it_with_FailedPrecondition()
    {
        var request = await LongGreedyRequestAsync();
        using var call = App.Client.Chat(request);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        await App.Client.UnloadModelAsync(new UnloadModelRequest());
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            for (var i = 0; i < 10_000 && await call.ResponseStream.MoveNext(CancellationToken.None); i++)
            {
            }
        });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("unloaded", error.Status.Detail);
        Assert.Equal(0, Slots.BusySlots);
    }

    private const uint LongReplyTokens = 300;

    /// <summary>
    /// A request that greedy sampling on this model answers with <see cref="LongReplyTokens"/> tokens and no
    /// end-of-generation (checked, not assumed), so a reply is certainly still running right after its first delta.
    /// </summary>
    private async Task<ChatRequest> LongGreedyRequestAsync()
    {
        var request = ChatExtensions.Request("keep talking", maxTokens: LongReplyTokens);
        request.Sampling = new Sampling { Temperature = 0 };
        var reply = await App.Client.ChatToEndAsync(request);
        Assert.Equal(StopReason.MaxTokens, reply[^1].Stats.StopReason);
        return request;
    }

    private async Task<WatchStatusResponse> WatchOnceAsync()
    {
        using var call = App.Client.WatchStatus(new WatchStatusRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current;
    }
}
