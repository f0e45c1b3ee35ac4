using System.Diagnostics;
using Tomodachi.Testing;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>Runs the real `buf curl`, the grpcurl-equivalent client README tells users to use.</summary>
public static class BufCli
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> CurlAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(RequiredTools.Buf(Repository.Root), ["curl", "--http2-prior-knowledge", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("buf did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
