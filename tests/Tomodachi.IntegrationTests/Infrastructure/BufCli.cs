using System.Diagnostics;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>Runs the real `buf curl`, the grpcurl-equivalent client README tells users to use.</summary>
public static class BufCli
{
    /// <summary>buf as CI installs it (`npm ci --prefix .ci`), else from PATH.</summary>
    private static string Executable()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".ci", "node_modules", ".bin", "buf");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "buf";
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> CurlAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable(), ["curl", "--http2-prior-knowledge", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("buf did not start: run `npm ci --prefix .ci` first");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
