using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests.Journal;

/// <summary>A journal in its own temporary directory, deleted with it.</summary>
internal sealed class TempJournal : IDisposable
{
    /// <param name="copyOf">A journal file to start from (a copy is opened), or null for a new journal.</param>
    public TempJournal(int watchBufferSize = 256, string? copyOf = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tomodachi-journal-").FullName;
        Path = System.IO.Path.Combine(Directory, "journal.db");
        WatchBufferSize = watchBufferSize;
        if (copyOf is not null)
        {
            File.Copy(copyOf, Path);
        }

        Journal = Open();
    }

    public string Directory { get; }

    public string Path { get; }

    public int WatchBufferSize { get; }

    public SqliteTurnJournal Journal { get; private set; }

    /// <summary>Closes the journal and opens the file again, as a restarted service would.</summary>
    public SqliteTurnJournal Reopen()
    {
        Journal.Dispose();
        return Journal = Open();
    }

    public void Dispose()
    {
        Journal.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private SqliteTurnJournal Open() => new(
        Options.Create(new JournalOptions { Path = Path, WatchBufferSize = WatchBufferSize }),
        NullLogger<SqliteTurnJournal>.Instance);
}

internal static class JournalTestData
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    public static Turn Turn(string id, string session = "s1", DateTimeOffset? startedAt = null) => new()
    {
        Stats = new TurnStats
        {
            TurnId = id,
            SessionId = session,
            StartedAt = Timestamp.FromDateTimeOffset(startedAt ?? Epoch),
            FinishedAt = Timestamp.FromDateTimeOffset((startedAt ?? Epoch).AddSeconds(2)),
            CompletionTokens = 7,
            StopReason = StopReason.EndOfGeneration,
        },
        UserMessage = $"message {id}",
        Reply = $"reply {id}",
    };

    public static async Task AppendAllAsync(this ITurnJournal journal, IEnumerable<Turn> turns)
    {
        foreach (var turn in turns)
        {
            await journal.AppendAsync(turn, CancellationToken.None);
        }
    }

    /// <summary>Every page of a listing, following next_page_token (at most 100 pages).</summary>
    public static async Task<List<ListTurnsResponse>> AllPagesAsync(Func<ListTurnsRequest, Task<ListTurnsResponse>> list, ListTurnsRequest first)
    {
        var pages = new List<ListTurnsResponse>();
        var request = first.Clone();
        for (var i = 0; i < 100; i++)
        {
            var page = await list(request);
            pages.Add(page);
            if (page.NextPageToken.Length == 0)
            {
                return pages;
            }

            request.PageToken = page.NextPageToken;
        }

        throw new InvalidOperationException("Paging did not end within 100 pages.");
    }

    public static IEnumerable<string> Ids(this IEnumerable<ListTurnsResponse> pages) =>
        pages.SelectMany(p => p.Turns).Select(t => t.Stats.TurnId);
}
