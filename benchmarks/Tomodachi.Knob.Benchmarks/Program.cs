using Grpc.Net.Client;
using Tomodachi.Knob.Benchmarks;

// Simulated edge -> event received by a gRPC client, over real HTTP/2 on loopback, against a running knob service
// in simulated mode (or the gateway in front of it):
//   dotnet run -c Release --project benchmarks/Tomodachi.Knob.Benchmarks -- [--target http://127.0.0.1:5222] [--events 1000] [--warmup 100]
var options = BenchmarkOptions.Parse(args);
var loadBefore = LoadAverage();

using var channel = GrpcChannel.ForAddress(options.Target);
var result = await EdgeToEventBenchmark.RunAsync(channel, options.Events, options.Warmup);

Console.WriteLine($"target {options.Target}, {options.Events} rotation events after {options.Warmup} warm-up");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {loadBefore} before, {LoadAverage()} after");
Console.WriteLine(result.Report());

// The 1-minute load average: the machine is shared, and the figures mean little without it.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
