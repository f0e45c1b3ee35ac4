using System.Diagnostics;
using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Benchmarks;

/// <summary>
/// One measured chat as a gRPC client sees it; <paramref name="FirstDelta"/> and <paramref name="LastDelta"/> are
/// <see cref="Stopwatch"/> timestamps, so chats that ran at once can be set on one clock.
/// </summary>
public sealed record ChatSample(double ClientTokensPerSecond, TurnStats Stats, long FirstDelta, long LastDelta);

/// <summary>
/// Four chats at once: <paramref name="Whole"/> counts whole requests (prompts included) over the wall time of all
/// four, <paramref name="Generation"/> the tokens after each chat's first over the time from the earliest first delta
/// to the latest last one — the basis of the bare loop's generation speed. <paramref name="SlowestFirstTokenMs"/> and
/// <paramref name="SlowestRetrievalMs"/> show what a slow whole-request figure waited for.
/// </summary>
public sealed record FourChats(double Whole, double Generation, double SlowestFirstTokenMs, double SlowestRetrievalMs);

public static class ChatProbe
{
    public const int GeneratedTokens = 128;

    /// <summary>
    /// Chats after which a freshly started service and gateway have stopped re-compiling hot methods: steady-cpu
    /// measured the tiered JIT at 2.0 ms of CPU per token in the first chats and 0.16 ms after this many.
    /// </summary>
    public const int SteadyStateChats = 30;

    /// <summary>
    /// One chat; the client-side rate is the tokens after the first over the time from the first delta to the last
    /// (a delta may carry several tokens, so the tokens come from the stats, not from counting deltas).
    /// </summary>
    public static Task<ChatSample> ChatAsync(InferenceService.InferenceServiceClient client, string session, CancellationToken cancellationToken) =>
        ChatAsync(client, new ChatRequest
        {
            SessionId = session,
            Message = "Tell me a long story about a fox who learns to sail across the sea.",
            MaxTokens = GeneratedTokens,
            Sampling = new Sampling { Seed = 7 },
        }, cancellationToken);

    public static async Task<ChatSample> ChatAsync(InferenceService.InferenceServiceClient client, ChatRequest request, CancellationToken cancellationToken)
    {
        using var call = client.Chat(request, cancellationToken: cancellationToken);
        TurnStats? stats = null;
        var (first, last) = (0L, 0L);
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (response.EventCase == ChatResponse.EventOneofCase.Delta)
            {
                last = Stopwatch.GetTimestamp();
                first = first == 0 ? last : first;
            }
            else
            {
                stats = response.Stats;
            }
        }

        if (stats is null)
        {
            throw new InvalidOperationException("The chat ended without stats.");
        }

        var streamed = Stopwatch.GetElapsedTime(first, last);
        return new ChatSample(streamed > TimeSpan.Zero ? (stats.CompletionTokens - 1.0) / streamed.TotalSeconds : 0, stats, first, last);
    }

    /// <summary>
    /// <paramref name="count"/> chats one after another, after one unmeasured chat: the first turn of a process pays
    /// for JIT compilation on both sides, which is start-up cost, not speed.
    /// </summary>
    public static async Task<IReadOnlyList<ChatSample>> SequentialAsync(
        InferenceService.InferenceServiceClient client, string name, int count, CancellationToken cancellationToken)
    {
        await ChatAsync(client, $"{name}-warmup", cancellationToken);
        var samples = new List<ChatSample>();
        for (var run = 0; run < count; run++)
        {
            samples.Add(await ChatAsync(client, $"{name}-{run}", cancellationToken));
        }

        return samples;
    }

    /// <summary>Unmeasured chats until the processes reach steady state, so targets measure speed, not start-up.</summary>
    public static async Task SettleAsync(InferenceService.InferenceServiceClient client, string name, CancellationToken cancellationToken)
    {
        for (var chat = 0; chat < SteadyStateChats; chat++)
        {
            await ChatAsync(client, $"{name}-settle-{chat}", cancellationToken);
        }
    }

    /// <summary>
    /// Four requests at once, whole requests (prompts included) as users wait for them: their tokens over the wall
    /// time of all four. <paramref name="request"/> gets the request's index and returns its generated tokens.
    /// </summary>
    public static async Task<double> FourAtOnceAsync(Func<int, Task<int>> request)
    {
        var clock = Stopwatch.StartNew();
        var tokens = await Task.WhenAll(Enumerable.Range(0, 4).Select(request));
        return tokens.Sum() / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Four chats at once through <paramref name="client"/>, sessions named <paramref name="name"/>-0…3.</summary>
    public static async Task<FourChats> FourChatsAsync(InferenceService.InferenceServiceClient client, string name, CancellationToken cancellationToken)
    {
        var chats = new ChatSample[4];
        var whole = await FourAtOnceAsync(async i =>
        {
            chats[i] = await ChatAsync(client, $"{name}-{i}", cancellationToken);
            return (int)chats[i].Stats.CompletionTokens;
        });
        var streamed = Stopwatch.GetElapsedTime(chats.Min(chat => chat.FirstDelta), chats.Max(chat => chat.LastDelta));
        return new FourChats(whole, chats.Sum(chat => chat.Stats.CompletionTokens - 1.0) / streamed.TotalSeconds,
            chats.Max(chat => chat.Stats.TimeToFirstTokenMs), chats.Max(chat => chat.Stats.RetrievalMs));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
