using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Benchmarks;

/// <summary>The processes a benchmark talks to: the inference service alone, or behind the gateway.</summary>
public static class BenchmarkServices
{
    private const int InferencePort = 5291;
    private const int GatewayPort = 5293;

    /// <param name="modelPath">The GGUF to serve; empty for the demo model, generated into <paramref name="modelCache"/>.</param>
    public static ServiceProcess StartInference(
        string modelPath, int threads, string orchestrator, TimeSpan streamFlushInterval,
        IReadOnlyDictionary<string, string>? environment = null, string? modelCache = null, int contextSize = 512)
    {
        // Benchmark turns belong beside the benchmark's models, never in the owner's journal; and in a fresh journal
        // each start, since the benchmarks reuse session names: an earlier run's turns would come back as history.
        var journal = Path.Combine(modelCache ?? Path.GetDirectoryName(modelPath)!, "journal.db");
        foreach (var file in new[] { journal, journal + "-wal", journal + "-shm" })
        {
            File.Delete(file);
        }

        return ServiceProcess.Start("Tomodachi.Inference", InferencePort, [
            $"--Inference:Model={modelPath}",
            $"--Inference:ModelCache={modelCache ?? Path.GetDirectoryName(modelPath)}",
            $"--Inference:Threads={threads}",
            $"--Inference:BatchThreads={threads}",
            $"--Inference:ContextSize={contextSize}",
            $"--Inference:OrchestratorMode={orchestrator}",
            $"--Inference:StreamFlushInterval={streamFlushInterval}",
            $"--Inference:Journal:Path={journal}",
            // No memory service in the benchmark: a closed port, and the shortest wait for it. A refused Search is retried
            // once after a random backoff of up to 100 ms (MemoryCallRetries), which would hold every turn that long and
            // stagger chats that arrive together; the 10 ms deadline ends the search first.
            "--services:memory:grpc:0=http://127.0.0.1:9",
            "--Inference:MemoryTimeout=00:00:00.010",
        ], environment);
    }

    /// <summary>The gateway in front of <paramref name="inference"/>, as browsers and gRPC clients reach it.</summary>
    public static ServiceProcess StartGateway(ServiceProcess inference) =>
        ServiceProcess.Start("Tomodachi.Gateway", GatewayPort, [
            $"--Services:inference:grpc:0={inference.GrpcAddress}",
            $"--Services:inference:http:0={inference.HttpAddress}",
        ]);

    /// <summary>Polls GetModel (through whatever <paramref name="client"/> points at) for up to two minutes.</summary>
    public static async Task WaitUntilLoadedAsync(
        ServiceProcess inference, InferenceService.InferenceServiceClient client, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 240; attempt++)
        {
            try
            {
                var model = (await client.GetModelAsync(new GetModelRequest(), cancellationToken: cancellationToken)).Model;
                if (model.Loaded)
                {
                    return;
                }
            }
            catch (RpcException) when (!inference.HasExited)
            {
                // Not listening yet (or the gateway is not).
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException("The service did not load the model within two minutes.");
    }
}
