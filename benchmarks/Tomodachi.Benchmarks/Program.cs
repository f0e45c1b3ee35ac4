using Tomodachi.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/Tomodachi.Benchmarks -- [work-directory]
var workDirectory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "tomodachi-benchmarks");
await InferenceBenchmark.RunAsync(workDirectory, Console.Out, CancellationToken.None);
