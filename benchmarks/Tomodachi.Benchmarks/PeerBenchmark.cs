using System.Diagnostics;
using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// llama.cpp itself on the same GGUF file and threads: llama-bench for the kernels, and llama-server with one streaming
/// client, then four at once, in alternating pairs with a chat through the gateway. Runs when TOMODACHI_LLAMA_CPP names
/// the folder of the binaries (benchmarks/peer/build-llama-server.sh builds them under /tmp and prints it).
/// </summary>
public static class PeerBenchmark
{
    public const string Variable = "TOMODACHI_LLAMA_CPP";

    private const string Prompt = "You are Tomodachi, a warm and curious companion.\nUser: Tell me a long story about a fox who learns to sail across the sea.\nAssistant:";

    public static async Task RunAsync(BenchmarkModel model, string binaries, int pairs, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine("llama-bench (same file, same threads):");
        output.WriteLine(await LlamaBenchAsync(binaries, model.Path, cancellationToken));

        using var server = await LlamaServer.StartAsync(binaries, model.Path, cancellationToken);
        using var services = await GatewayedInference.StartAsync(model.Path, TimeSpan.FromMilliseconds(50), cancellationToken);
        var gateway = services.ThroughGateway;
        await server.CompleteAsync(Prompt, cancellationToken);
        await SettleAsync(gateway, "peer", cancellationToken);

        async Task<int> PeerTokens(int _) => (await server.CompleteAsync(Prompt, cancellationToken)).Tokens;

        var (peerOne, oursOne, peerFour) = (new List<double>(), new List<double>(), new List<double>());
        var oursFour = new List<FourChats>();
        for (var pair = 0; pair < pairs; pair++)
        {
            // The order flips every pair, so a drift of the machine hits both sides.
            var peerFirst = pair % 2 == 0;
            if (peerFirst)
            {
                peerOne.Add((await server.CompleteAsync(Prompt, cancellationToken)).ClientTokensPerSecond);
                peerFour.Add(await FourAtOnceAsync(PeerTokens));
            }

            oursOne.Add((await ChatAsync(gateway, $"peer-{pair}", cancellationToken)).ClientTokensPerSecond);
            oursFour.Add(await FourChatsAsync(gateway, $"peer-four-{pair}", cancellationToken));
            if (!peerFirst)
            {
                peerOne.Add((await server.CompleteAsync(Prompt, cancellationToken)).ClientTokensPerSecond);
                peerFour.Add(await FourAtOnceAsync(PeerTokens));
            }
        }

        output.WriteLine($"llama-server, 1 streaming HTTP client: generation {Median(peerOne):0.0} t/s at the client (spread {peerOne.Min():0.0}–{peerOne.Max():0.0})");
        output.WriteLine($"service through the gateway, 1 streaming gRPC client: generation {Median(oursOne):0.0} t/s at the client (spread {oursOne.Min():0.0}–{oursOne.Max():0.0})");
        output.WriteLine($"4 at once (whole requests): llama-server {Median(peerFour):0.0} t/s aggregate, the service through the gateway {Median(oursFour.Select(four => four.Whole)):0.0} t/s " +
            $"(per pair: {string.Join(", ", oursFour.Select(four => $"{four.Whole:0.0}"))}; slowest first token {string.Join(", ", oursFour.Select(four => $"{four.SlowestFirstTokenMs:0}"))} ms; " +
            $"slowest memory search {string.Join(", ", oursFour.Select(four => $"{four.SlowestRetrievalMs:0}"))} ms)");
        var ratios = oursOne.Zip(peerOne, (ours, peer) => ours / peer).ToList();
        output.WriteLine(SpeedTargets.Line($"one chat through the gateway vs llama-server ({pairs} pairs)", ratios, 1.0));
        // llama-server's own gain from four requests at once is llama.cpp's batching ratio as its users meet it.
        var speedUps = Enumerable.Range(0, pairs).Select(i => oursFour[i].Whole / oursOne[i] / (peerFour[i] / peerOne[i])).ToList();
        output.WriteLine(SpeedTargets.Line("four at once: the service's speed-up over one chat vs llama-server's", speedUps, 0.90));
    }

    private static async Task<string> LlamaBenchAsync(string binaries, string modelPath, CancellationToken cancellationToken)
    {
        var threads = BenchmarkModel.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(Path.Combine(binaries, "llama-bench"), ["-m", modelPath, "-t", threads, "-p", "128", "-n", "128", "-r", "5", "-o", "md"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("llama-bench did not start.");
        var table = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return await table;
    }
}
