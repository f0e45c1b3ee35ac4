using System.Diagnostics;
using Tomodachi.IntegrationTests.Infrastructure;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// build/setup.sh, which README's test command runs first: a missing tool stops it with the line that installs it,
/// before any test runs. Checked with --no-install and a PATH without the tools, so nothing is installed or removed.
/// </summary>
public sealed class SetUpScriptTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("tomodachi-setup-");

    [Fact]
    public async Task Missing_Debian_packages_stop_the_set_up_with_the_apt_get_line_that_installs_them()
    {
        var path = PathWithout("prometheus", "promtool", "chromium");

        var (exitCode, stdout, stderr) = await RunAsync(Repository.File("build/setup.sh"), path);

        Assert.Equal(3, exitCode);
        Assert.Contains("apt-get install -y --no-install-recommends prometheus chromium", stderr);
        Assert.DoesNotContain("ready", stdout);
    }

    [Fact]
    public async Task A_missing_pinned_buf_stops_the_set_up_with_the_npm_line()
    {
        // A copy of the script in a checkout without .ci/node_modules, so the repository's own buf stays.
        var checkout = scratch.CreateSubdirectory("checkout");
        checkout.CreateSubdirectory("build");
        checkout.CreateSubdirectory(".ci");
        var script = Path.Combine(checkout.FullName, "build", "setup.sh");
        File.Copy(Repository.File("build/setup.sh"), script);
        File.Copy(Repository.File(".ci/package-lock.json"), Path.Combine(checkout.FullName, ".ci", "package-lock.json"));

        var (exitCode, _, stderr) = await RunAsync(script, Environment.GetEnvironmentVariable("PATH")!);

        Assert.Equal(3, exitCode);
        Assert.Contains("npm ci --prefix .ci", stderr);
    }

    [Fact]
    public async Task After_the_set_up_it_finds_every_tool_without_installing_anything()
    {
        var (exitCode, stdout, stderr) = await RunAsync(Repository.File("build/setup.sh"), Environment.GetEnvironmentVariable("PATH")!);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("are ready", stdout);
        Assert.DoesNotContain("installing", stdout);
    }

    /// <summary>A PATH of one folder that links every program of the real PATH except the named ones.</summary>
    private string PathWithout(params string[] hidden)
    {
        var bin = scratch.CreateSubdirectory("bin");
        foreach (var directory in Environment.GetEnvironmentVariable("PATH")!.Split(Path.PathSeparator).Where(Directory.Exists))
        {
            foreach (var program in Directory.EnumerateFiles(directory))
            {
                var link = Path.Combine(bin.FullName, Path.GetFileName(program));
                if (!hidden.Contains(Path.GetFileName(program)) && !File.Exists(link))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }

        return bin.FullName;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, string path)
    {
        var start = new ProcessStartInfo("/bin/bash", [script, "--no-install"]);
        start.Environment["PATH"] = path;
        using var cts = new CancellationTokenSource(Timeout);
        return await ExternalProcess.RunAsync(start, input: null, cts.Token);
    }

    public void Dispose() => scratch.Delete(recursive: true);
}
