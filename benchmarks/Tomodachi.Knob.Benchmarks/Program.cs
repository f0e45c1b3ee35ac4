using Grpc.Net.Client;

namespace Tomodachi.Knob.Benchmarks;

/// <summary>
/// Simulated edge -> event received by a gRPC client, over real HTTP/2 on loopback:
/// <c>dotnet run -c Release --project benchmarks/Tomodachi.Knob.Benchmarks [-- --target http://localhost:5174] [--events 1000]</c>.
/// Without --target the knob service is hosted in this process on Kestrel; with it, any running knob or the gateway.
/// (Not top-level statements: the knob's own Program class is referenced here.)
/// </summary>
public static class BenchmarkProgram
{
    public static async Task Main(string[] args)
    {
        var options = BenchmarkOptions.Parse(args);
        var loadBefore = LoadAverage();
        await using var host = options.Target is null ? InProcessKnob.Start() : null;
        var target = options.Target ?? host!.GrpcAddress;

        using var channel = GrpcChannel.ForAddress(target);
        var result = await EdgeToEventBenchmark.RunAsync(channel, options.Events, options.Warmup);

        Console.WriteLine($"target {target} ({(host is null ? "running service" : "in-process Kestrel")}), " +
            $"{options.Events} rotation events after {options.Warmup} warm-up");
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {loadBefore} before, {LoadAverage()} after");
        Console.WriteLine(result.Report());
    }

    /// <summary>The 1-minute load average: the machine is shared, and the figures mean little without it.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
