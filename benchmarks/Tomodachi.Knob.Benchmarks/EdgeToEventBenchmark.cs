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
    public static async Task<BenchmarkResult> RunAsync(GrpcChannel channel, int events, int warmup)
    {
        var client = new KnobService.KnobServiceClient(channel);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        using var watch = client.WatchEvents(new WatchEventsRequest(), cancellationToken: stop.Token);
        await watch.ResponseHeadersAsync;

        var edgeToReceived = new List<double>(events);
        var callToReceived = new List<double>(events);
        for (var i = 0; i < warmup + events; i++)
        {
            var sent = DateTimeOffset.UtcNow;
            var simulate = client.SimulateAsync(
                new SimulateRequest { Action = SimulateAction.Rotate, Steps = i % 2 == 0 ? 1 : -1 }, cancellationToken: stop.Token);
            var received = await NextRotationAsync(watch.ResponseStream, stop.Token);
            var receivedAt = DateTimeOffset.UtcNow;
            await simulate;

            if (i >= warmup)
            {
                edgeToReceived.Add((receivedAt - received.Event.OccurredAt.ToDateTimeOffset()).TotalMilliseconds);
                callToReceived.Add((receivedAt - sent).TotalMilliseconds);
            }
        }

        return new BenchmarkResult(edgeToReceived, callToReceived);
    }

    private static async Task<WatchEventsResponse> NextRotationAsync(IAsyncStreamReader<WatchEventsResponse> stream, CancellationToken cancellationToken)
    {
        while (await stream.MoveNext(cancellationToken))
        {
            if (stream.Current.Event.Type == KnobEventType.Rotated)
            {
                return stream.Current;
            }
        }

        throw new InvalidOperationException("The watch ended before the rotation event arrived.");
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
