using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.V1;
using static Tomodachi.Inference.Tests.Journal.JournalTestData;

namespace Tomodachi.Inference.Tests.Journal;

public sealed class SqliteTurnJournalTests : IDisposable
{
    private readonly TempJournal temp = new();

    private SqliteTurnJournal Journal => temp.Journal;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Every_TurnStats_field_and_both_texts_survive_a_round_trip_through_the_file()
    {
        var turn = new Turn { Stats = EveryFieldSet(), UserMessage = "Wie geht's? 🌲", Reply = "Gut, danke!\nUnd dir?" };

        await Journal.AppendAsync(turn, CancellationToken.None);
        var listed = await temp.Reopen().ListAsync(new ListTurnsRequest(), CancellationToken.None);

        Assert.Equal(turn, Assert.Single(listed.Turns));
    }

    [Fact]
    public async Task Listing_is_newest_first_and_pages_visit_every_turn_exactly_once_even_with_equal_start_times()
    {
        // Groups of three share a start time, so the order must break ties by insertion.
        var turns = Enumerable.Range(0, 23).Select(i => Turn($"t{i:00}", startedAt: Epoch.AddSeconds(i / 3))).ToList();
        await Journal.AppendAllAsync(turns.OrderBy(_ => Random.Shared.Next()));

        var pages = await AllPagesAsync(r => Journal.ListAsync(r, CancellationToken.None), new ListTurnsRequest { PageSize = 5 });

        Assert.Equal([5, 5, 5, 5, 3], pages.Select(p => p.Turns.Count));
        var listed = pages.SelectMany(p => p.Turns).ToList();
        Assert.Equal(turns.Select(t => t.Stats.TurnId).Order(), listed.Select(t => t.Stats.TurnId).Order());
        Assert.Equal(listed.OrderByDescending(t => t.Stats.StartedAt).Select(t => t.Stats.StartedAt), listed.Select(t => t.Stats.StartedAt));
    }

    [Fact]
    public async Task A_page_token_keeps_its_place_when_newer_turns_arrive_between_pages()
    {
        await Journal.AppendAllAsync(Enumerable.Range(0, 6).Select(i => Turn($"old{i}", startedAt: Epoch.AddSeconds(i))));
        var first = await Journal.ListAsync(new ListTurnsRequest { PageSize = 3 }, CancellationToken.None);

        await Journal.AppendAsync(Turn("newest", startedAt: Epoch.AddHours(1)), CancellationToken.None);
        var second = await Journal.ListAsync(new ListTurnsRequest { PageSize = 3, PageToken = first.NextPageToken }, CancellationToken.None);

        Assert.Equal(["old5", "old4", "old3"], first.Turns.Select(t => t.Stats.TurnId));
        Assert.Equal(["old2", "old1", "old0"], second.Turns.Select(t => t.Stats.TurnId));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task Listing_filters_by_session_and_by_a_half_open_time_range()
    {
        await Journal.AppendAllAsync(Enumerable.Range(0, 10).Select(i => Turn($"t{i}", session: i % 2 == 0 ? "even" : "odd", startedAt: Epoch.AddMinutes(i))));

        var even = await Journal.ListAsync(new ListTurnsRequest { SessionId = "even" }, CancellationToken.None);
        var window = await Journal.ListAsync(new ListTurnsRequest
        {
            Since = Timestamp.FromDateTimeOffset(Epoch.AddMinutes(3)),
            Until = Timestamp.FromDateTimeOffset(Epoch.AddMinutes(6)),
        }, CancellationToken.None);
        var evenWindowPages = await AllPagesAsync(r => Journal.ListAsync(r, CancellationToken.None), new ListTurnsRequest
        {
            PageSize = 1,
            SessionId = "even",
            Since = Timestamp.FromDateTimeOffset(Epoch.AddMinutes(3)),
        });

        Assert.Equal(["t8", "t6", "t4", "t2", "t0"], even.Turns.Select(t => t.Stats.TurnId));
        Assert.Equal(["t5", "t4", "t3"], window.Turns.Select(t => t.Stats.TurnId));
        Assert.Equal(["t8", "t6", "t4"], evenWindowPages.Ids());
    }

    [Fact]
    public async Task Page_size_zero_means_fifty_and_five_hundred_is_accepted()
    {
        await Journal.AppendAllAsync(Enumerable.Range(0, 51).Select(i => Turn($"t{i}", startedAt: Epoch.AddSeconds(i))));

        var defaultPage = await Journal.ListAsync(new ListTurnsRequest(), CancellationToken.None);
        var largestPage = await Journal.ListAsync(new ListTurnsRequest { PageSize = 500 }, CancellationToken.None);

        Assert.Equal(50, defaultPage.Turns.Count);
        Assert.NotEmpty(defaultPage.NextPageToken);
        Assert.Equal(51, largestPage.Turns.Count);
        Assert.Empty(largestPage.NextPageToken);
    }

    [Fact]
    public async Task Page_size_over_500_is_rejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Journal.ListAsync(new ListTurnsRequest { PageSize = 501 }, CancellationToken.None));
        Assert.Contains("page_size must be between 1 and 500", error.Message);
    }

    [Theory]
    [InlineData("not a token!")]
    [InlineData("AAAA")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_page_token_is_rejected(string token)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Journal.ListAsync(new ListTurnsRequest { PageToken = token }, CancellationToken.None));
        Assert.Contains("page_token", error.Message);
    }

    [Fact]
    public async Task A_page_token_used_with_other_filters_is_rejected()
    {
        await Journal.AppendAllAsync([Turn("a", "s1"), Turn("b", "s1")]);
        var first = await Journal.ListAsync(new ListTurnsRequest { PageSize = 1, SessionId = "s1" }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Journal.ListAsync(new ListTurnsRequest { PageSize = 1, SessionId = "s2", PageToken = first.NextPageToken }, CancellationToken.None));
        Assert.Contains("different filters", error.Message);
    }

    [Fact]
    public async Task Since_after_until_is_rejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Journal.ListAsync(new ListTurnsRequest
        {
            Since = Timestamp.FromDateTimeOffset(Epoch.AddDays(1)),
            Until = Timestamp.FromDateTimeOffset(Epoch),
        }, CancellationToken.None));
        Assert.Contains("is after until", error.Message);
    }

    [Fact]
    public async Task A_turn_without_stats_ids_or_start_time_is_rejected()
    {
        var noStart = Turn("x");
        noStart.Stats.StartedAt = null;

        await Assert.ThrowsAsync<ArgumentException>(() => Journal.AppendAsync(new Turn { UserMessage = "hi" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Journal.AppendAsync(Turn(""), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Journal.AppendAsync(Turn("x", session: ""), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Journal.AppendAsync(noStart, CancellationToken.None));
        Assert.Equal(0, await Journal.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Appending_the_same_turn_id_twice_is_refused_and_keeps_one_row()
    {
        await Journal.AppendAsync(Turn("same"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Journal.AppendAsync(Turn("same"), CancellationToken.None));
        Assert.Contains("already in the journal", error.Message);
        Assert.Equal(1, await Journal.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Count_includes_turns_written_before_a_restart()
    {
        await Journal.AppendAllAsync(Enumerable.Range(0, 3).Select(i => Turn($"t{i}")));
        var reopened = temp.Reopen();
        await reopened.AppendAsync(Turn("t3"), CancellationToken.None);

        Assert.Equal(4, await reopened.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_with_one_column_per_stat_and_indexes_on_start_time_and_session()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp.Path, Pooling = false }.ToString());
        await connection.OpenAsync();

        var columns = await QueryColumnAsync(connection, "SELECT name FROM pragma_table_info('turns')");
        var indexedColumns = await QueryColumnAsync(connection,
            "SELECT ii.name FROM pragma_index_list('turns') il JOIN pragma_index_info(il.name) ii WHERE ii.seqno = 0");

        Assert.Equal(["wal"], await QueryColumnAsync(connection, "PRAGMA journal_mode"));
        var statColumns = TurnStats.Descriptor.Fields.InFieldNumberOrder()
            .Select(f => f.FieldType == FieldType.Message ? f.Name + "_unix_ns" : f.Name);
        Assert.Superset(statColumns.Concat(["user_message", "reply"]).ToHashSet(), columns.ToHashSet());
        Assert.Contains("started_at_unix_ns", indexedColumns);
        Assert.Contains("session_id", indexedColumns);
    }

    [Fact]
    public async Task Each_watcher_receives_every_turn_appended_after_it_subscribed_in_order()
    {
        await Journal.AppendAsync(Turn("before"), CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = Journal.WatchAsync(stop.Token);
        var second = Journal.WatchAsync(stop.Token);

        await Journal.AppendAllAsync(Enumerable.Range(0, 5).Select(i => Turn($"after{i}")));

        string[] expected = ["after0", "after1", "after2", "after3", "after4"];
        Assert.Equal(expected, await TakeIdsAsync(first, 5));
        Assert.Equal(expected, await TakeIdsAsync(second, 5));
    }

    [Fact]
    public async Task A_watcher_that_does_not_read_never_blocks_appends_and_is_told_it_fell_behind()
    {
        using var small = new TempJournal(watchBufferSize: 4);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var slow = small.Journal.WatchAsync(stop.Token);
        var reader = small.Journal.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);

        var received = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            await small.Journal.AppendAsync(Turn($"t{i}"), CancellationToken.None);
            Assert.True(await reader.MoveNextAsync());
            received.Add(reader.Current.Stats.TurnId);
        }

        var buffered = new List<string>();
        var error = await Assert.ThrowsAsync<TurnWatcherFellBehindException>(async () =>
        {
            await foreach (var turn in slow)
            {
                buffered.Add(turn.Stats.TurnId);
            }
        });
        Assert.Equal(10, await small.Journal.CountAsync(CancellationToken.None));
        Assert.Equal(10, received.Count);
        Assert.Equal(["t0", "t1", "t2", "t3"], buffered);
        Assert.Contains("more than 4 turns behind", error.Message);
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task Cancelling_a_watch_ends_it()
    {
        using var stop = new CancellationTokenSource();
        var watch = Journal.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = watch.MoveNextAsync().AsTask();

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await watch.DisposeAsync();
    }

    private static async Task<List<string>> TakeIdsAsync(IAsyncEnumerable<Turn> turns, int count)
    {
        var ids = new List<string>();
        await foreach (var turn in turns)
        {
            ids.Add(turn.Stats.TurnId);
            if (ids.Count == count)
            {
                break;
            }
        }

        return ids;
    }

    private static async Task<List<string>> QueryColumnAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>
    /// Every TurnStats field set to a distinct non-default value, found by reflection: a field added to the
    /// contract without a journal column makes the round-trip test fail.
    /// </summary>
    private static TurnStats EveryFieldSet()
    {
        var stats = new TurnStats();
        foreach (var field in TurnStats.Descriptor.Fields.InFieldNumberOrder())
        {
            object value = field.FieldType switch
            {
                FieldType.String => $"{field.Name}-value",
                FieldType.UInt32 => (uint)(1000 + field.FieldNumber),
                FieldType.Double => field.FieldNumber + 0.125,
                FieldType.Bool => true,
                FieldType.Enum => field.EnumType.Values[^1].Number,
                FieldType.Message when field.MessageType == Timestamp.Descriptor =>
                    new Timestamp { Seconds = 1_795_000_000 + field.FieldNumber, Nanos = 123_456_789 },
                _ => throw new NotSupportedException($"Teach this test about TurnStats.{field.Name} ({field.FieldType})."),
            };
            field.Accessor.SetValue(stats, value);
        }

        return stats;
    }
}
