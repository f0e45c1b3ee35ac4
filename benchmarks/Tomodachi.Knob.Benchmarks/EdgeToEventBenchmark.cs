using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Benchmarks;

/// <summary>
/// Turns the simulated encoder one detent at a time (alternately each way) and times each Rotated event from the
/// edge (the event's occurred_at, stamped by the service when the A edge arrived) to its arrival at a watching
/// client, and from the Simulate call leaving the client to the same arrival. Client and service share the clock.
/// </summary>
public static class EdgeToEventBenchmark
{
    private static readonly TimeSpan EventPatience = TimeSpan.FromSeconds(30);

    public static async Task<BenchmarkResult> RunAsync(GrpcChannel channel, int events, int warmup)
    {
        var client = new KnobService.KnobServiceClient(channel);
        using var stop = new CancellationTokenSource();
        using var watch = client.WatchEvents(new WatchEventsRequest(), cancellationToken: stop.Token);
        var arrivals = Channel.CreateUnbounded<(WatchEventsResponse Response, DateTimeOffset At)>();
        var reading = ReadAsync(watch.ResponseStream, arrivals.Writer, stop.Token);

        await PrimeAsync(client, arrivals.Reader);

        var edgeToReceived = new List<double>(events);
        var callToReceived = new List<double>(events);
        for (var i = 0; i < warmup + events; i++)
        {
            var sent = DateTimeOffset.UtcNow;
            await client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = i % 2 == 0 ? -1 : 1 });
            var (received, at) = await NextRotationAsync(arrivals.Reader);
            if (i >= warmup)
            {
                edgeToReceived.Add((at - received.Event.OccurredAt.ToDateTimeOffset()).TotalMilliseconds);
                callToReceived.Add((at - sent).TotalMilliseconds);
            }
        }

        await stop.CancelAsync();
        await reading;
        return new BenchmarkResult(edgeToReceived, callToReceived);
    }

    /// <summary>
    /// Turns until the first event comes back: only then is the watch certainly subscribed (a proxy such as the
    /// gateway may hold back the response headers until the first message). Bounded to 50 tries.
    /// </summary>
    private static async Task PrimeAsync(KnobService.KnobServiceClient client, ChannelReader<(WatchEventsResponse, DateTimeOffset)> arrivals)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await client.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = 1 });
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await arrivals.WaitToReadAsync(wait.Token);
                while (arrivals.TryRead(out _))
                {
                }

                return;
            }
            catch (OperationCanceledException)
            {
                // Not subscribed yet: turn again.
            }
        }

        throw new InvalidOperationException("No event came back after 50 turns: is the target a knob in simulated mode?");
    }

    private static async Task ReadAsync(IAsyncStreamReader<WatchEventsResponse> stream,
        ChannelWriter<(WatchEventsResponse, DateTimeOffset)> arrivals, CancellationToken cancellationToken)
    {
        try
        {
            while (await stream.MoveNext(cancellationToken))
            {
                arrivals.TryWrite((stream.Current, DateTimeOffset.UtcNow));
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            // The benchmark is over.
        }
    }

    private static async Task<(WatchEventsResponse, DateTimeOffset)> NextRotationAsync(ChannelReader<(WatchEventsResponse Response, DateTimeOffset At)> arrivals)
    {
        using var timeout = new CancellationTokenSource(EventPatience);
        while (true)
        {
            var arrival = await arrivals.ReadAsync(timeout.Token);
            if (arrival.Response.Event.Type == KnobEventType.Rotated)
            {
                return arrival;
            }
        }
    }
}

public sealed record BenchmarkResult(IReadOnlyList<double> EdgeToReceivedMs, IReadOnlyList<double> CallToReceivedMs)
{
    public string Report() => string.Join(Environment.NewLine,
        Line("edge -> event received", EdgeToReceivedMs),
        Line("Simulate sent -> event received", CallToReceivedMs));

    private static string Line(string what, IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToArray();
        double At(double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
        return $"{what,-32} p50 {At(0.50):F3} ms  p95 {At(0.95):F3} ms  p99 {At(0.99):F3} ms  max {sorted[^1]:F3} ms  (n={sorted.Length})";
    }
}
