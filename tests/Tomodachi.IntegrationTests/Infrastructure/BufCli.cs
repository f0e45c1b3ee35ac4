using System.Diagnostics;
using Tomodachi.Testing;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>Runs the real `buf curl`, the grpcurl-equivalent client README tells users to use.</summary>
public static class BufCli
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> CurlAsync(IEnumerable<string> args, CancellationToken cancellationToken) =>
        ExternalProcess.RunAsync(
            new ProcessStartInfo(RequiredTools.Buf(Repository.Root), ["curl", "--http2-prior-knowledge", .. args]), input: null, cancellationToken);
}
