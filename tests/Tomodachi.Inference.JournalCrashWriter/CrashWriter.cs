using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.JournalCrashWriter;

/// <summary>
/// Appends turns to the journal named by the first argument as fast as it can and prints each turn id once its
/// append has returned, until it is killed (or, as a bound, after 20 000 turns or 60 seconds).
/// Usage: JournalCrashWriter &lt;journal path&gt; &lt;turn id prefix&gt;
/// </summary>
internal static class CrashWriter
{
    private const int MaxTurns = 20_000;
    private static readonly TimeSpan MaxRunTime = TimeSpan.FromSeconds(60);

    private static async Task<int> Main(string[] args)
    {
        if (args.Length != 2)
        {
            await Console.Error.WriteLineAsync("usage: JournalCrashWriter <journal path> <turn id prefix>");
            return 2;
        }

        using var journal = new SqliteTurnJournal(Options.Create(new JournalOptions { Path = args[0] }), NullLogger<SqliteTurnJournal>.Instance);
        using var deadline = new CancellationTokenSource(MaxRunTime);
        // A reply of a few kilobytes spreads each commit over several WAL pages, so kills land mid-write.
        var reply = new string('r', 6_000);
        for (var i = 0; i < MaxTurns && !deadline.IsCancellationRequested; i++)
        {
            var id = $"{args[1]}-{i}";
            await journal.AppendAsync(new Turn
            {
                Stats = new TurnStats { TurnId = id, SessionId = "crash", StartedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                UserMessage = "hello",
                Reply = reply,
            }, deadline.Token);
            Console.WriteLine(id);
        }

        return 0;
    }
}
