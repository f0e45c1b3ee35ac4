using System.Diagnostics;

namespace Tomodachi.Benchmarks;

/// <summary>A service of this repository as its own process (its Release or Debug build), killed on dispose.</summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri grpcAddress, Uri httpAddress)
    {
        _process = process;
        GrpcAddress = grpcAddress;
        HttpAddress = httpAddress;
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Starts services/<paramref name="project"/> listening on loopback ports <paramref name="httpPort"/> and the next one (gRPC).</summary>
    public static ServiceProcess Start(
        string project, int httpPort, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Path.Combine(RepositoryRoot(), "services", project, "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0");
        var http = new Uri($"http://127.0.0.1:{httpPort}");
        var grpc = new Uri($"http://127.0.0.1:{httpPort + 1}");
        var start = new ProcessStartInfo("dotnet", [
            Path.Combine(directory, project + ".dll"),
            $"--Kestrel:Endpoints:http:Url={http}",
            $"--Kestrel:Endpoints:grpc:Url={grpc}",
            "--Logging:LogLevel:Default=Warning",
            .. arguments,
        ])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{project} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine($"[{project}] {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process, grpc, http);
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
