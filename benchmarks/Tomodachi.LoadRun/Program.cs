using Tomodachi.LoadRun;

// A bounded load run through the gateway's gRPC port (loopback only); prints a markdown block for docs/benchmarks.md.
// Exit code: 0 done, 1 errors other than RESOURCE_EXHAUSTED, 2 stopped by the deadline.
//   flock /tmp/tomodachi-apphost.lock dotnet run -c Release --project benchmarks/Tomodachi.LoadRun -- [--clients 5 --messages 200 --warmup 500]
if (args.Contains("--help"))
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; interrupted.Cancel(); };
return await LoadRunner.RunAsync(LoadOptions.Parse(args), interrupted.Token);
