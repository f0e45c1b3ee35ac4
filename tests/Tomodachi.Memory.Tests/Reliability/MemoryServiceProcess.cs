using System.Diagnostics;
using Grpc.Net.Client;
using Tomodachi.Memory.Tests.Service;
using Tomodachi.Memory.V1;

namespace Tomodachi.Memory.Tests.Reliability;

/// <summary>
/// The built Memory service as a real child process (<c>dotnet Tomodachi.Memory.dll</c>) on free loopback
/// ports, so a test can kill it with SIGKILL the way a crash or an OOM killer would.
/// </summary>
public sealed class MemoryServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly GrpcChannel channel;
    private readonly Queue<string> output = new();

    private MemoryServiceProcess(Process process, int httpPort, int grpcPort)
    {
        this.process = process;
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Client = new MemoryService.MemoryServiceClient(channel);
    }

    public Uri HttpAddress { get; }

    public MemoryService.MemoryServiceClient Client { get; }

    /// <summary>The last lines the service printed, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
        }
    }

    /// <param name="settings">More command-line settings, e.g. <c>--Memory:Embedder=Lexical</c>.</param>
    public static async Task<MemoryServiceProcess> StartAsync(string dataDirectory, CancellationToken cancellationToken, params IEnumerable<string> settings)
    {
        var (httpPort, grpcPort) = (LoopbackPort.Free(), LoopbackPort.Free());
        var serviceDirectory = ServiceOutputDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = serviceDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                Path.Combine(serviceDirectory, "Tomodachi.Memory.dll"),
                $"--Kestrel:Endpoints:http:Url=http://127.0.0.1:{httpPort}",
                $"--Kestrel:Endpoints:grpc:Url=http://127.0.0.1:{grpcPort}",
                $"--Memory:DataDirectory={dataDirectory}",
            },
        };
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var service = new MemoryServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), httpPort, grpcPort);
        service.process.OutputDataReceived += (_, e) => service.Remember(e.Data);
        service.process.ErrorDataReceived += (_, e) => service.Remember(e.Data);
        service.process.BeginOutputReadLine();
        service.process.BeginErrorReadLine();
        try
        {
            await service.WaitUntilHealthyAsync(cancellationToken);
        }
        catch
        {
            // A service that never became healthy must not outlive the test.
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        channel.Dispose();
        process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The memory service exited with {process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                if ((await http.GetAsync("/health", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One slow answer (a cold start on a loaded machine): ask again until the deadline.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The memory service was not healthy within {StartTimeout}:\n{RecentOutput}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > 50)
            {
                output.Dequeue();
            }
        }
    }

    /// <summary>The service's own build output (bin/&lt;Configuration&gt;/net10.0), built by the project reference.</summary>
    private static string ServiceOutputDirectory()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Tomodachi.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"No Tomodachi.sln above {AppContext.BaseDirectory}.");
        }

        return Path.Combine(root.FullName, "services", "Tomodachi.Memory", "bin", configuration, framework);
    }
}
