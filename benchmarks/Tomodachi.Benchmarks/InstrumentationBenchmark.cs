using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// Generation speed with every instrument on (meters, spans, OpenTelemetry logging, /metrics scraped like Prometheus
/// does) against the OpenTelemetry SDK switched off (OTEL_SDK_DISABLED=true), alternating rounds so drift in the
/// machine hits both sides alike. Tokens per second on two busy cores are noisy, so it also reports the exact CPU
/// time the service's threads spent per generated token, split into the decode threads and all the others: the
/// instruments run on the others, so the difference there is their cost.
/// </summary>
public static class InstrumentationBenchmark
{
    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchmarkModel model, int rounds, TextWriter output, CancellationToken cancellationToken)
    {
        var on = new List<double>();
        var off = new List<double>();
        var cpu = new Dictionary<bool, Dictionary<string, long>> { [true] = [], [false] = [] };
        var tokens = new Dictionary<bool, long> { [true] = 0, [false] = 0 };
        for (var round = 0; round < rounds; round++)
        {
            // Either side goes first in turn, so neither always meets the machine just after the other.
            foreach (var instrumented in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var (speeds, threads, generated) = await MeasureAsync(model, instrumented, cancellationToken);
                (instrumented ? on : off).AddRange(speeds);
                tokens[instrumented] += generated;
                foreach (var (name, nanoseconds) in threads)
                {
                    cpu[instrumented][name] = cpu[instrumented].GetValueOrDefault(name) + nanoseconds;
                }
            }
        }

        var onMedian = Median(on);
        var offMedian = Median(off);
        output.WriteLine($"instrumentation on: {onMedian:0.00} t/s, off: {offMedian:0.00} t/s (server-measured generation, median of {on.Count} chats each, " +
            $"{rounds} alternating rounds); overhead {(offMedian - onMedian) / offMedian:P2}; " +
            $"spread of the 'off' chats {(off.Max() - off.Min()) / offMedian:P1}");
        foreach (var (instrumented, threads) in cpu)
        {
            double PerToken(long nanoseconds) => nanoseconds / 1e6 / tokens[instrumented];
            var others = threads.Where(t => t.Key != ThreadCpu.DecodeThreads).OrderByDescending(t => t.Value).ToList();
            output.WriteLine($"  {(instrumented ? "on" : "off")}: CPU per generated token {PerToken(threads.GetValueOrDefault(ThreadCpu.DecodeThreads)):0.000} ms " +
                $"in the decode threads, {PerToken(others.Sum(t => t.Value)):0.000} ms in all others (" +
                string.Join(", ", others.Take(4).Select(t => $"{t.Key} {PerToken(t.Value):0.000}")) + ")");
        }

        output.WriteLine($"  on:  {string.Join(' ', on.Order().Select(v => v.ToString("0.0")))}");
        output.WriteLine($"  off: {string.Join(' ', off.Order().Select(v => v.ToString("0.0")))}");
    }

    private static async Task<(IEnumerable<double> Speeds, Dictionary<string, long> Threads, long Tokens)> MeasureAsync(BenchmarkModel model, bool instrumented, CancellationToken cancellationToken)
    {
        // Without tiering every method is compiled once, optimised, before it first runs: no background re-JIT
        // competing with the decode threads during the measured chats, which would bill start-up to the instruments.
        var environment = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" };
        if (!instrumented)
        {
            environment["OTEL_SDK_DISABLED"] = "true";
        }

        using var inference = BenchmarkServices.StartInference(model.Path, BenchmarkModel.Threads, "Rules", TimeSpan.FromMilliseconds(50), environment);
        using var channel = GrpcChannel.ForAddress(inference.GrpcAddress);
        var client = new InferenceService.InferenceServiceClient(channel);
        await BenchmarkServices.WaitUntilLoadedAsync(inference, client, cancellationToken);

        using var scraping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scraper = instrumented ? ScrapeAsync(inference.HttpAddress, scraping.Token) : Task.CompletedTask;
        await ChatAsync(client, "warmup", cancellationToken);
        var before = ThreadCpu.Read(inference.Id);
        var samples = new List<ChatSample>();
        for (var chat = 0; chat < 3; chat++)
        {
            samples.Add(await ChatAsync(client, $"chat-{chat}", cancellationToken));
        }

        var after = ThreadCpu.Read(inference.Id);
        await scraping.CancelAsync();
        await scraper;
        return (samples.Select(s => s.Stats.GenerationTokensPerSecond), ThreadCpu.Since(before, after), samples.Sum(s => s.Stats.CompletionTokens));
    }

    private static async Task ScrapeAsync(Uri service, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = service };
        using var timer = new PeriodicTimer(ScrapeInterval);
        try
        {
            do
            {
                (await http.GetAsync("/metrics", cancellationToken)).EnsureSuccessStatusCode();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // The measured chats are done.
        }
    }
}
