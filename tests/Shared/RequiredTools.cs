namespace Tomodachi.Testing;

/// <summary>
/// The tools the tests run, looked for where build/setup.sh puts them: the pinned buf in the repository's
/// .ci/node_modules, the Debian packages on PATH. A missing one fails with the command that installs it, instead of a
/// Win32Exception from deep inside a test — and never falls back to some other copy found by accident.
/// </summary>
public static class RequiredTools
{
    private const string SetUp = "README's test command (bash build/test.sh) installs it";

    /// <summary>The pinned buf (`npm ci --prefix .ci`), never one from PATH: its version is the one CI lints with.</summary>
    public static string Buf(string repositoryRoot)
    {
        var pinned = Path.Combine(repositoryRoot, ".ci", "node_modules", ".bin", "buf");
        return File.Exists(pinned)
            ? pinned
            : throw new InvalidOperationException($"The pinned buf is not installed ({pinned}): {SetUp}, or run `npm ci --prefix .ci`.");
    }

    public static string Promtool => OnPath("promtool", "prometheus");

    public static string Prometheus => OnPath("prometheus", "prometheus");

    public static string Chromium => OnPath("chromium", "chromium");

    private static string OnPath(string executable, string debianPackage) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"`{executable}` is not on PATH: {SetUp}, or run `sudo apt-get install -y {debianPackage}`.");
}
