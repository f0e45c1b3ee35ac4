using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Testing;

namespace Tomodachi.Inference.Tests.Journal;

/// <summary>Journal retention: whole conversations deleted by age or count, on a fake clock, and its settings checked at start-up.</summary>
public sealed class JournalRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = JournalTestData.Epoch;
    private readonly TempJournal temp = new();
    private readonly ActiveReplies replies = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_sweep_deletes_the_conversations_last_active_before_MaxAgeDays_whole_and_leaves_their_text_in_no_file()
    {
        var marker = $"old-secret-{Guid.NewGuid():N}";
        await AppendAsync("old", Epoch, Epoch.AddMinutes(1));
        await AppendTextAsync("old", Epoch.AddMinutes(2), marker);
        // Started long ago but active recently: kept whole, its old turn included, so its history stays intact.
        await AppendAsync("ongoing", Epoch, Epoch.AddDays(35));
        await AppendAsync("recent", Epoch.AddDays(39));
        var time = new FakeTimeProvider(Epoch.AddDays(40));

        var sweep = await Sweeper(time, new JournalRetentionOptions { MaxAgeDays = 30 }).SweepAsync(CancellationToken.None);

        Assert.Equal((1, 3, null), (sweep.DeletedConversations, sweep.DeletedTurns, sweep.Error));
        Assert.Equal(time.GetUtcNow(), sweep.At);
        Assert.Equal(["ongoing", "ongoing", "recent"], await SessionsOfTurnsAsync());
        Assert.Equal(["ongoing", "recent"], await ListedAsync());
        Assert.Empty(DiskTraces.FilesHolding(temp.Directory, marker));
    }

    [Fact]
    public async Task MaxTurns_deletes_the_least_recently_active_conversations_whole_but_never_the_newest()
    {
        await AppendAsync("oldest", Epoch, Epoch.AddMinutes(1));
        await AppendAsync("middle", Epoch.AddMinutes(2), Epoch.AddMinutes(3));
        await AppendAsync("newest", Epoch.AddMinutes(4), Epoch.AddMinutes(5), Epoch.AddMinutes(6), Epoch.AddMinutes(7));
        var time = new FakeTimeProvider(Epoch.AddHours(1));

        var six = await Sweeper(time, new JournalRetentionOptions { MaxTurns = 6 }).SweepAsync(CancellationToken.None);
        var afterSix = await SessionsOfTurnsAsync();
        var three = await Sweeper(time, new JournalRetentionOptions { MaxTurns = 3 }).SweepAsync(CancellationToken.None);

        Assert.Equal((1, 2), (six.DeletedConversations, six.DeletedTurns));
        Assert.Equal(["middle", "middle", "newest", "newest", "newest", "newest"], afterSix);
        // Four turns are more than three, but the conversation going on now is never cut.
        Assert.Equal((1, 2), (three.DeletedConversations, three.DeletedTurns));
        Assert.Equal(["newest"], await ListedAsync());
    }

    [Fact]
    public async Task A_conversation_with_a_reply_in_progress_is_left_for_the_next_sweep()
    {
        await AppendAsync("busy", Epoch);
        var time = new FakeTimeProvider(Epoch.AddDays(10));
        var sweeper = Sweeper(time, new JournalRetentionOptions { MaxAgeDays = 1 });

        using (replies.Begin("busy", CancellationToken.None))
        {
            Assert.Equal(0, (await sweeper.SweepAsync(CancellationToken.None)).DeletedTurns);
        }

        Assert.Equal(1, (await sweeper.SweepAsync(CancellationToken.None)).DeletedTurns);
    }

    [Fact]
    public async Task The_sweeper_runs_at_start_up_and_again_each_SweepInterval_of_the_TimeProvider_clock()
    {
        var time = new FakeTimeProvider(Epoch);
        var options = new JournalRetentionOptions { MaxAgeDays = 1, SweepInterval = TimeSpan.FromDays(1) };
        var status = new JournalRetentionStatus(Options.Create(options));
        var sweeps = new System.Collections.Concurrent.BlockingCollection<JournalSweep>();
        status.Swept += () => sweeps.Add(status.LastSweep!);
        using var sweeper = new JournalRetentionSweeper(() => temp.Journal, replies, status, Options.Create(options), time,
            NullLogger<JournalRetentionSweeper>.Instance);
        await AppendAsync("chat", Epoch);

        await sweeper.StartAsync(CancellationToken.None);
        // One interval at a time, each sweep awaited first: every advance is exactly one tick.
        var first = Next(sweeps);
        time.Advance(TimeSpan.FromDays(1));
        var second = Next(sweeps);
        time.Advance(TimeSpan.FromDays(1));
        var third = Next(sweeps);
        await sweeper.StopAsync(CancellationToken.None);

        Assert.Equal([Epoch, Epoch.AddDays(1), Epoch.AddDays(2)], new[] { first.At, second.At, third.At });
        Assert.Equal([0, 0, 1], new[] { first.DeletedTurns, second.DeletedTurns, third.DeletedTurns });
        Assert.Empty(await SessionsOfTurnsAsync());
    }

    [Fact]
    public async Task Without_limits_nothing_is_swept()
    {
        var time = new FakeTimeProvider(Epoch);
        var status = new JournalRetentionStatus(Options.Create(new JournalRetentionOptions()));
        using var sweeper = new JournalRetentionSweeper(() => temp.Journal, replies, status, Options.Create(new JournalRetentionOptions()), time,
            NullLogger<JournalRetentionSweeper>.Instance);

        await sweeper.StartAsync(CancellationToken.None);
        await sweeper.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(status.LastSweep);
    }

    [Theory]
    [InlineData("MaxAgeDays", "-1", "Inference:Journal:Retention:MaxAgeDays must be between 0 and 36500 days")]
    [InlineData("MaxTurns", "-5", "Inference:Journal:Retention:MaxTurns must be between 0 and 100000000 turns")]
    [InlineData("SweepInterval", "00:00:00", "Inference:Journal:Retention:SweepInterval must be between")]
    public void Out_of_range_retention_settings_stop_the_service_at_start_up_naming_the_setting(string key, string value, string message)
    {
        using var app = new InferenceApp(new Dictionary<string, string?> { [$"Inference:Journal:Retention:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task The_status_stream_reports_the_retention_settings_and_the_last_sweep()
    {
        using var app = new InferenceApp(new Dictionary<string, string?>
        {
            ["Inference:Journal:Retention:MaxAgeDays"] = "30",
            ["Inference:Journal:Retention:MaxTurns"] = "5000",
            ["Inference:Journal:Retention:SweepInterval"] = "02:00:00",
        });
        using var call = app.Client.WatchStatus(new WatchStatusRequest(), deadline: DateTime.UtcNow.AddMinutes(1));

        JournalRetention? retention = null;
        // The first sweep runs at start-up; a snapshot follows it at once, and at least every 3 s.
        for (var i = 0; i < 20 && retention?.LastSweepAt is null; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            retention = call.ResponseStream.Current.JournalRetention;
        }

        Assert.NotNull(retention?.LastSweepAt);
        Assert.Equal((30u, 5000u, TimeSpan.FromHours(2), ""), (retention.MaxAgeDays, retention.MaxTurns, retention.SweepInterval.ToTimeSpan(), retention.LastSweepError));
    }

    private static JournalSweep Next(System.Collections.Concurrent.BlockingCollection<JournalSweep> sweeps) =>
        sweeps.TryTake(out var sweep, TimeSpan.FromSeconds(30)) ? sweep : throw new Xunit.Sdk.XunitException("No sweep within 30 s.");

    private JournalRetentionSweeper Sweeper(TimeProvider time, JournalRetentionOptions options) => new(
        () => temp.Journal, replies, new JournalRetentionStatus(Options.Create(options)), Options.Create(options), time,
        NullLogger<JournalRetentionSweeper>.Instance);

    private async Task AppendAsync(string session, params DateTimeOffset[] startedAt)
    {
        foreach (var at in startedAt)
        {
            await AppendTextAsync(session, at, $"message at {at:O}");
        }
    }

    private async Task AppendTextAsync(string session, DateTimeOffset startedAt, string text)
    {
        var turn = JournalTestData.Turn(Guid.NewGuid().ToString("N"), session, startedAt);
        turn.UserMessage = text;
        await temp.Journal.AppendAsync(turn, new TurnPrompt("system", text), listed: true, CancellationToken.None);
    }

    private async Task<IReadOnlyList<string>> SessionsOfTurnsAsync() =>
        [.. (await temp.Journal.ListAsync(new ListTurnsRequest { PageSize = 500 }, CancellationToken.None)).Turns.Select(t => t.Stats.SessionId).Order(StringComparer.Ordinal)];

    private async Task<IReadOnlyList<string>> ListedAsync() =>
        [.. (await temp.Journal.ListConversationsAsync(new ListConversationsRequest(), CancellationToken.None)).Conversations.Select(c => c.SessionId).Order(StringComparer.Ordinal)];
}
