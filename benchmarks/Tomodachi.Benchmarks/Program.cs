using Tomodachi.Benchmarks;

// Usage: dotnet benchmarks/Tomodachi.Benchmarks/bin/Release/net10.0/Tomodachi.Benchmarks.dll
//          [work-directory] [repeats] [Q8_0,Q4_0] [speed,targets,peer,instrumentation,conversation,history-cost,steady-cpu,openai-model,pipeline,openai]
// speed, targets, peer (needs TOMODACHI_LLAMA_CPP), instrumentation, conversation, history-cost, steady-cpu and openai-model run on the generated model in each quantization; pipeline and
// openai on the demo model.
var workDirectory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "tomodachi-benchmarks");
var repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
var quantizations = args.Length > 2 ? args[2].Split(',') : ["Q8_0", "Q4_0"];
var benchmarks = args.Length > 3 ? args[3].Split(',') : ["speed", "targets", "instrumentation", "conversation", "pipeline", "openai"];

if (benchmarks.Contains("speed") || benchmarks.Contains("targets") || benchmarks.Contains("peer") || benchmarks.Contains("instrumentation") || benchmarks.Contains("conversation") || benchmarks.Contains("history-cost") || benchmarks.Contains("steady-cpu") || benchmarks.Contains("openai-model"))
{
    Console.WriteLine($"Model: {BenchmarkModel.Describe()}");
    foreach (var quantization in quantizations)
    {
        var model = await BenchmarkModel.PrepareAsync(workDirectory, quantization, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"## {model.Name} ({model.FileBytes / 1e6:0} MB)");
        if (benchmarks.Contains("speed"))
        {
            await InferenceBenchmark.RunAsync(model, repeats, Console.Out, CancellationToken.None);
        }

        if (benchmarks.Contains("targets"))
        {
            // At least five pairs: a median and a spread worth the name.
            await SpeedTargets.RunAsync(model, Math.Max(5, repeats), Console.Out, CancellationToken.None);
        }

        if (benchmarks.Contains("peer"))
        {
            var binaries = Environment.GetEnvironmentVariable(PeerBenchmark.Variable)
                ?? throw new InvalidOperationException($"peer needs {PeerBenchmark.Variable}: the folder benchmarks/peer/build-llama-server.sh prints.");
            await PeerBenchmark.RunAsync(model, binaries, Math.Max(5, repeats), Console.Out, CancellationToken.None);
        }

        if (benchmarks.Contains("instrumentation"))
        {
            await InstrumentationBenchmark.RunAsync(model, repeats, Console.Out, CancellationToken.None);
        }

        if (benchmarks.Contains("conversation"))
        {
            await ConversationBenchmark.RunAsync(model, repeats, Console.Out, CancellationToken.None);
        }

        if (benchmarks.Contains("history-cost"))
        {
            HistoryCostBenchmark.Run(model, repeats, Console.Out);
        }

        if (benchmarks.Contains("steady-cpu"))
        {
            await SteadyCpuBenchmark.RunAsync(model, Console.Out, CancellationToken.None);
        }

        if (benchmarks.Contains("openai-model"))
        {
            await OpenAiBenchmark.RunAsync(workDirectory, model.Path, repeats, Console.Out, CancellationToken.None);
        }
    }
}

if (benchmarks.Contains("pipeline"))
{
    await PipelineBenchmark.RunAsync(workDirectory, repeats, Console.Out, CancellationToken.None);
}

if (benchmarks.Contains("openai"))
{
    await OpenAiBenchmark.RunAsync(workDirectory, "", repeats, Console.Out, CancellationToken.None);
}
