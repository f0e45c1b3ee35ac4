using Microsoft.Data.Sqlite;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Tests.Journal;
using static Tomodachi.Inference.Tests.Journal.JournalTestData;
using static Tomodachi.Inference.Tests.Tuning.TuningTestData;

namespace Tomodachi.Inference.Tests.Tuning;

public sealed class RatingJournalTests : IDisposable
{
    private readonly TempJournal temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_rating_is_stored_with_its_turn_survives_a_restart_and_can_be_cleared()
    {
        await temp.Journal.AppendAllAsync([Turn("a"), Turn("b")]);

        Assert.True(await temp.Journal.RateAsync("a", TurnRating.ThumbsUp, CancellationToken.None));
        Assert.True(await temp.Journal.RateAsync("b", TurnRating.ThumbsDown, CancellationToken.None));
        var reopened = temp.Reopen();
        var before = await reopened.GetRatingsAsync(["a", "b", "missing"], CancellationToken.None);
        Assert.True(await reopened.RateAsync("a", TurnRating.None, CancellationToken.None));
        var after = await reopened.GetRatingsAsync(["a", "b"], CancellationToken.None);

        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = -1 }, before);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 0, ["b"] = -1 }, after);
    }

    [Fact]
    public async Task Rating_an_unknown_turn_changes_nothing_and_reports_false()
    {
        await temp.Journal.AppendAsync(Turn("a"), CancellationToken.None);

        Assert.False(await temp.Journal.RateAsync("nope", TurnRating.ThumbsUp, CancellationToken.None));
        Assert.Equal(0, (await temp.Journal.GetRatingsAsync(["a"], CancellationToken.None))["a"]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-2)]
    public async Task A_rating_other_than_minus_one_zero_or_one_is_refused(int rating)
    {
        await temp.Journal.AppendAsync(Turn("a"), CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => temp.Journal.RateAsync("a", rating, CancellationToken.None));
    }

    [Fact]
    public async Task A_journal_written_before_ratings_existed_gains_the_column_and_keeps_its_turns()
    {
        temp.Journal.Dispose();
        File.Delete(temp.Path);
        await CreateSchemaOneJournalAsync(temp.Path, turnId: "old");

        var journal = temp.Reopen();
        var rated = await journal.RateAsync("old", TurnRating.ThumbsUp, CancellationToken.None);
        var turns = await ToListAsync(journal.ReadAsync(new TurnQuery(), CancellationToken.None));

        Assert.True(rated);
        var turn = Assert.Single(turns);
        Assert.Equal(("old", "hello", TurnRating.ThumbsUp), (turn.Turn.Stats.TurnId, turn.Turn.UserMessage, turn.Rating));
        // Upgraded through every later schema too (3: conversations).
        Assert.Equal(3L, await ScalarAsync(temp.Path, "PRAGMA user_version"));
    }

    [Fact]
    public async Task Reading_returns_turns_oldest_first_and_the_newest_limit_keeps_the_latest()
    {
        await temp.Journal.AppendAllAsync(Enumerable.Range(0, 6).Reverse().Select(i => Measured($"t{i}", index: i)));
        await temp.Journal.AppendAsync(Measured("other-session", index: 10, session: "s2"), CancellationToken.None);

        var all = await ToListAsync(temp.Journal.ReadAsync(new TurnQuery(SessionId: "s1"), CancellationToken.None));
        var newest = await ToListAsync(temp.Journal.ReadAsync(new TurnQuery(SessionId: "s1", NewestLimit: 2), CancellationToken.None));
        var window = await ToListAsync(temp.Journal.ReadAsync(new TurnQuery(Since: At(Epoch.AddMinutes(2)), Until: At(Epoch.AddMinutes(4))), CancellationToken.None));

        Assert.Equal(["t0", "t1", "t2", "t3", "t4", "t5"], all.Select(t => t.Turn.Stats.TurnId));
        Assert.Equal(["t4", "t5"], newest.Select(t => t.Turn.Stats.TurnId));
        Assert.Equal(["t2", "t3"], window.Select(t => t.Turn.Stats.TurnId));
    }

    [Fact]
    public void Reading_with_since_after_until_is_refused_before_enumerating()
    {
        Assert.Throws<ArgumentException>(() => temp.Journal.ReadAsync(new TurnQuery(Since: At(Epoch.AddHours(1)), Until: At(Epoch)), CancellationToken.None));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    // The schema as the journal shipped it before ratings (schema 1), written by hand so the test does not
    // depend on the current code to produce the old file.
    private static async Task CreateSchemaOneJournalAsync(string path, string turnId)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            PRAGMA journal_mode=WAL;
            CREATE TABLE turns (
              id INTEGER PRIMARY KEY,
              turn_id TEXT NOT NULL UNIQUE, session_id TEXT NOT NULL, started_at_unix_ns INTEGER NOT NULL,
              finished_at_unix_ns INTEGER, model_id TEXT NOT NULL, persona TEXT NOT NULL, adapter TEXT NOT NULL,
              demo INTEGER NOT NULL, stop_reason TEXT NOT NULL, prompt_tokens INTEGER NOT NULL,
              completion_tokens INTEGER NOT NULL, time_to_first_token_ms REAL NOT NULL, orchestrator_ms REAL NOT NULL,
              retrieval_ms REAL NOT NULL, prompt_eval_ms REAL NOT NULL, generation_ms REAL NOT NULL,
              total_latency_ms REAL NOT NULL, generation_tokens_per_second REAL NOT NULL,
              prompt_tokens_per_second REAL NOT NULL, memory_available INTEGER NOT NULL, memories_used INTEGER NOT NULL,
              user_message TEXT NOT NULL, reply TEXT NOT NULL
            ) STRICT;
            INSERT INTO turns VALUES (1, '{turnId}', 's1', 1, NULL, 'm', 'tomodachi', '', 0, 'STOP_REASON_END_OF_GENERATION',
              3, 4, 1.0, 0.0, 0.0, 1.0, 2.0, 3.0, 2.0, 3.0, 1, 0, 'hello', 'hi there');
            PRAGMA user_version = 1;
            """;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
