using Tomodachi.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/Tomodachi.Benchmarks -- [work-directory] [repeats] [Q8_0,Q4_0]
var workDirectory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "tomodachi-benchmarks");
var repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
var quantizations = args.Length > 2 ? args[2].Split(',') : ["Q8_0", "Q4_0"];
await InferenceBenchmark.RunAsync(workDirectory, repeats, quantizations, Console.Out, CancellationToken.None);
