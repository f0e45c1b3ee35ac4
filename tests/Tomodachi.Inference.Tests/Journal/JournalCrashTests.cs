using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Tomodachi.Inference.Tests.Journal;

/// <summary>
/// Kills a process (SIGKILL) while it appends to the journal, several times over, and checks that the file is
/// intact and holds every turn whose append had returned.
/// </summary>
public sealed class JournalCrashTests
{
    private const int Kills = 20;
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Killing_the_writer_mid_append_loses_no_acknowledged_turn_and_never_corrupts_the_file()
    {
        using var temp = new TempJournal();
        temp.Journal.Dispose();
        var acknowledged = new List<string>();

        for (var run = 0; run < Kills; run++)
        {
            // A different number of appends each run, so the kill lands at different points of a commit; kept under
            // a hundred so twenty runs stay cheap.
            acknowledged.AddRange(await RunAndKillAsync(temp.Path, $"run{run}", killAfter: 5 + 17 * run % 97));

            var stored = await ReadTurnIdsAsync(temp.Path);
            Assert.Equal("ok", await IntegrityCheckAsync(temp.Path));
            Assert.Empty(acknowledged.Except(stored));
        }

        // The journal itself opens the crashed file and goes on appending.
        var reopened = temp.Reopen();
        await reopened.AppendAsync(JournalTestData.Turn("after-crashes"), CancellationToken.None);
        Assert.True(await reopened.CountAsync(CancellationToken.None) > acknowledged.Count);
    }

    /// <summary>Starts the crash writer, reads acknowledged ids until <paramref name="killAfter"/>, kills it, returns them all.</summary>
    private static async Task<List<string>> RunAndKillAsync(string journalPath, string prefix, int killAfter)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tomodachi.Inference.JournalCrashWriter.dll"));
        start.ArgumentList.Add(journalPath);
        start.ArgumentList.Add(prefix);

        using var timeout = new CancellationTokenSource(ChildTimeout);
        using var child = Process.Start(start)!;
        var acknowledged = new List<string>();
        try
        {
            while (acknowledged.Count < killAfter && await child.StandardOutput.ReadLineAsync(timeout.Token) is { } id)
            {
                acknowledged.Add(id);
            }

            if (acknowledged.Count < killAfter)
            {
                Assert.Fail($"The crash writer stopped early: {await child.StandardError.ReadToEndAsync(timeout.Token)}");
            }
        }
        finally
        {
            child.Kill();
        }

        // Appends acknowledged between the last read and the kill count too.
        acknowledged.AddRange((await child.StandardOutput.ReadToEndAsync(timeout.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        await child.WaitForExitAsync(timeout.Token);
        return acknowledged;
    }

    private static async Task<HashSet<string>> ReadTurnIdsAsync(string path)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT turn_id FROM turns";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<string> IntegrityCheckAsync(string path)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
