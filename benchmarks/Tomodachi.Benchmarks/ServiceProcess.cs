using System.Diagnostics;
using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Benchmarks;

/// <summary>The inference service as its own process, built next to this benchmark, on ports of its own.</summary>
public sealed class ServiceProcess : IDisposable
{
    private const int HttpPort = 5291;
    private const int GrpcPort = 5292;
    private readonly Process _process;

    private ServiceProcess(Process process) => _process = process;

    public Uri GrpcAddress { get; } = new($"http://127.0.0.1:{GrpcPort}");

    public static ServiceProcess Start(string modelPath, int threads, string orchestrator)
    {
        var directory = Path.Combine(RepositoryRoot(), "services", "Tomodachi.Inference", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0");
        var start = new ProcessStartInfo("dotnet", [
            Path.Combine(directory, "Tomodachi.Inference.dll"),
            $"--Inference:Model={modelPath}",
            $"--Inference:Threads={threads}",
            $"--Inference:BatchThreads={threads}",
            "--Inference:ContextSize=512",
            $"--Inference:OrchestratorMode={orchestrator}",
            // No memory service in the benchmark: a closed port fails at once and costs the turn nothing measurable.
            "--services:memory:grpc:0=http://127.0.0.1:9",
            $"--Kestrel:Endpoints:http:Url=http://127.0.0.1:{HttpPort}",
            $"--Kestrel:Endpoints:grpc:Url=http://127.0.0.1:{GrpcPort}",
            "--Logging:LogLevel:Default=Warning",
        ])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine($"[service] {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process);
    }

    /// <summary>Polls GetModel for up to two minutes.</summary>
    public async Task WaitUntilLoadedAsync(InferenceService.InferenceServiceClient client, CancellationToken cancellationToken)
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
            catch (RpcException) when (!_process.HasExited)
            {
                // Not listening yet.
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException("The service did not load the model within two minutes.");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tomodachi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
