using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.Knob.V1;
using Tomodachi.Memory.V1;

namespace Tomodachi.LoadRun;

/// <summary>One finished chat turn as the client saw it, with the server's token count.</summary>
public sealed record ChatSample(double LatencyMs, double TimeToFirstTokenMs, uint CompletionTokens, bool AfterWarmup);

/// <summary>Everything one run measured.</summary>
public sealed record LoadResult(
    IReadOnlyList<ChatSample> Chats,
    IReadOnlyList<double> SearchMs,
    IReadOnlyList<double> KnobMs,
    IReadOnlyDictionary<string, int> Errors,
    TimeSpan MeasuredFor,
    bool StoppedByDeadline);

/// <summary>
/// Drives the suite through the gateway: N chat clients sending M messages each, and alongside them one memory
/// searcher and one knob turner until the chats are done. Bounded by the turn count and by the deadline.
/// </summary>
public sealed class LoadDriver(GrpcChannel channel, LoadOptions options)
{
    private static readonly string[] Messages =
    [
        "Remember that my cat is called Mochi.",
        "What should I cook tonight? I have rice, eggs and spinach.",
        "I went hiking this morning and saw a heron by the lake.",
        "Can you remind me what my cat is called?",
        "I feel a bit tired today; any tips for an afternoon slump?",
        "My sister's birthday is on the twelfth of March.",
    ];

    private readonly ConcurrentBag<ChatSample> chats = [];
    private readonly ConcurrentBag<double> searches = [];
    private readonly ConcurrentBag<double> knobTurns = [];
    private readonly ConcurrentDictionary<string, int> errors = new();
    private int finished;
    private long warmedUpAt;

    /// <param name="onWarmedUp">Called once, when the warm-up turns have finished (the RSS reading after warm-up).</param>
    public async Task<LoadResult> RunAsync(Action onWarmedUp, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Deadline);
        using var chatsDone = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        if (options.WarmupTurns == 0)
        {
            WarmedUp(onWarmedUp);
        }

        var side = Task.WhenAll(
            RepeatAsync("MemoryService/Search", options.SearchInterval, searches, SearchAsync, chatsDone.Token),
            RepeatAsync("KnobService/Simulate", options.KnobInterval, knobTurns, TurnKnobAsync, chatsDone.Token));
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(c => ChatClientAsync(c, onWarmedUp, deadline.Token)));
        var warm = Interlocked.Read(ref warmedUpAt);
        var measured = warm == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(warm);
        await chatsDone.CancelAsync();
        await side;

        return new LoadResult([.. chats], [.. searches], [.. knobTurns], errors, measured,
            deadline.IsCancellationRequested && !ct.IsCancellationRequested);
    }

    private async Task ChatClientAsync(int client, Action onWarmedUp, CancellationToken ct)
    {
        var inference = new InferenceService.InferenceServiceClient(channel);
        for (var i = 0; i < options.Messages && !ct.IsCancellationRequested; i++)
        {
            var request = new ChatRequest { SessionId = $"load-{client}", Message = Messages[(client + i) % Messages.Length], MaxTokens = options.MaxTokens };
            var afterWarmup = Volatile.Read(ref finished) >= options.WarmupTurns;
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var call = inference.Chat(request, cancellationToken: ct);
                var firstToken = double.NaN;
                uint tokens = 0;
                await foreach (var reply in call.ResponseStream.ReadAllAsync(ct))
                {
                    if (reply.EventCase == ChatResponse.EventOneofCase.Delta && double.IsNaN(firstToken))
                    {
                        firstToken = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }

                    tokens = reply.Stats?.CompletionTokens ?? tokens;
                }

                chats.Add(new ChatSample(Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstToken, tokens, afterWarmup));
            }
            catch (RpcException e) when (!ct.IsCancellationRequested)
            {
                Count("InferenceService/Chat", e.StatusCode);
                if (e.StatusCode == StatusCode.ResourceExhausted)
                {
                    // Beyond capacity the service says when to come back; wait that long (at most 5 s) and go on.
                    var retryAfterMs = int.TryParse(e.Trailers.GetValue("retry-after-ms"), out var ms) ? Math.Clamp(ms, 0, 5000) : 500;
                    await Task.Delay(retryAfterMs, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            if (Interlocked.Increment(ref finished) == options.WarmupTurns)
            {
                WarmedUp(onWarmedUp);
            }
        }
    }

    private void WarmedUp(Action onWarmedUp)
    {
        onWarmedUp();
        Interlocked.Exchange(ref warmedUpAt, Stopwatch.GetTimestamp());
    }

    private async Task SearchAsync(int i, CancellationToken ct) =>
        await new MemoryService.MemoryServiceClient(channel).SearchAsync(
            new SearchRequest { Query = Messages[i % Messages.Length], K = 5 }, cancellationToken: ct);

    private async Task TurnKnobAsync(int i, CancellationToken ct) =>
        await new KnobService.KnobServiceClient(channel).SimulateAsync(
            new SimulateRequest { Action = SimulateAction.Rotate, Steps = i % 2 == 0 ? 1 : -1 }, cancellationToken: ct);

    /// <summary>Calls <paramref name="call"/> every <paramref name="interval"/> until <paramref name="ct"/> ends.</summary>
    private async Task RepeatAsync(string rpc, TimeSpan interval, ConcurrentBag<double> samples, Func<int, CancellationToken, Task> call, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            for (var i = 0; await timer.WaitForNextTickAsync(ct); i++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(i, ct);
                    samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (RpcException e) when (!ct.IsCancellationRequested)
                {
                    Count(rpc, e.StatusCode);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The chats are done (or the deadline passed): so is the side load.
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
            // Cancelled mid-call for the same reason.
        }
    }

    private void Count(string rpc, StatusCode code) => errors.AddOrUpdate($"{rpc} {code}", 1, (_, n) => n + 1);
}
