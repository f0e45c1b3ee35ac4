using Microsoft.Data.Sqlite;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.V1;
using Tomodachi.Testing;

namespace Tomodachi.Inference.Tests.Journal;

/// <summary>Conversations in the journal: history for the next prompt, replaced turns, rebuilt prompts, listing, migration.</summary>
public sealed class ConversationJournalTests
{
    private static readonly string SchemaTwoFixture = Path.Combine(AppContext.BaseDirectory, "Journal", "Fixtures", "journal-schema2.db");

    [Fact]
    public async Task History_holds_the_live_turns_after_those_the_latest_prompt_dropped()
    {
        using var temp = new TempJournal();
        for (var i = 0; i < 5; i++)
        {
            var turn = Turn($"t{i}", i);
            turn.Stats.HistoryDroppedTurns = (uint)Math.Max(0, i - 2);
            await temp.Journal.AppendAsync(turn, new TurnPrompt("system", $"content {i}"), listed: true, CancellationToken.None);
        }

        var history = await temp.Journal.ReadHistoryAsync("s1", CancellationToken.None);

        Assert.Equal(2, history.Skipped);
        Assert.Equal(["t2", "t3", "t4"], history.Turns.Select(t => t.TurnId));
        Assert.Equal("content 3", history.Turns[1].UserContent);
        Assert.Equal("message t3", history.Turns[1].UserMessage);
        Assert.Same(ConversationHistory.Empty, await temp.Journal.ReadHistoryAsync("nobody", CancellationToken.None));
    }

    [Fact]
    public async Task A_replacing_turn_marks_the_one_it_replaces_and_that_one_leaves_the_history()
    {
        using var temp = new TempJournal();
        await temp.Journal.AppendAsync(Turn("first", 0), new TurnPrompt("system", "one"), true, CancellationToken.None);
        await temp.Journal.AppendAsync(Turn("second", 1), new TurnPrompt("system", "two"), true, CancellationToken.None);
        var again = Turn("second-again", 2);
        again.Stats.ReplacedTurnId = "second";
        await temp.Journal.AppendAsync(again, new TurnPrompt("system", "two, edited"), true, CancellationToken.None);

        var history = await temp.Journal.ReadHistoryAsync("s1", CancellationToken.None);
        var conversation = await temp.Journal.GetConversationAsync("s1", CancellationToken.None);
        var all = await temp.Journal.ListAsync(new ListTurnsRequest { SessionId = "s1" }, CancellationToken.None);

        Assert.Equal(["first", "second-again"], history.Turns.Select(t => t.TurnId));
        Assert.Equal(["first", "second-again"], conversation!.Turns.Select(t => t.Stats.TurnId));
        Assert.Equal(2u, conversation.Conversation.TurnCount);
        Assert.True(all.Turns.Single(t => t.Stats.TurnId == "second").Replaced);
        Assert.Equal("second", all.Turns.Single(t => t.Stats.TurnId == "second-again").Stats.ReplacedTurnId);
    }

    [Fact]
    public async Task A_turns_prompt_is_rebuilt_exactly_from_its_own_record_and_the_turns_before_it()
    {
        using var temp = new TempJournal();
        for (var i = 0; i < 4; i++)
        {
            var turn = Turn($"t{i}", i);
            turn.Stats.HistoryDroppedTurns = i == 3 ? 1u : 0u;
            turn.Stats.HistoryTurns = i == 3 ? 2u : (uint)i;
            await temp.Journal.AppendAsync(turn, new TurnPrompt($"system as of {i}", $"[memory]\n\nmessage t{i}"), true, CancellationToken.None);
        }

        var prompt = await temp.Journal.ReadPromptAsync("t3", CancellationToken.None);

        Assert.Equal(
        [
            new PromptMessage("system", "system as of 3"),
            new PromptMessage("user", "[memory]\n\nmessage t1"), new PromptMessage("assistant", "reply t1"),
            new PromptMessage("user", "[memory]\n\nmessage t2"), new PromptMessage("assistant", "reply t2"),
            new PromptMessage("user", "[memory]\n\nmessage t3"),
        ], prompt);
    }

    [Fact]
    public async Task A_caller_sent_history_is_kept_with_the_turn_and_the_turn_is_not_listed()
    {
        using var temp = new TempJournal();
        var sent = new[] { new PromptMessage("user", "hi"), new PromptMessage("assistant", "hello") };
        await temp.Journal.AppendAsync(Turn("openai", 0, session: "openai-1"), new TurnPrompt("be brief", "and now?", sent), listed: false,
            CancellationToken.None);

        var prompt = await temp.Journal.ReadPromptAsync("openai", CancellationToken.None);
        var listing = await temp.Journal.ListConversationsAsync(new ListConversationsRequest(), CancellationToken.None);

        Assert.Equal([new PromptMessage("system", "be brief"), .. sent, new PromptMessage("user", "and now?")], prompt);
        Assert.Empty(listing.Conversations);
        Assert.Null(await temp.Journal.GetConversationAsync("openai-1", CancellationToken.None));
    }

    [Fact]
    public async Task Conversations_are_listed_newest_activity_first_in_pages_with_title_count_and_persona()
    {
        using var temp = new TempJournal();
        for (var i = 0; i < 5; i++)
        {
            var turn = Turn($"c{i}", i, session: $"session-{i % 3}");
            turn.UserMessage = $"Conversation {i % 3} starts here and goes on";
            turn.Stats.Persona = i == 4 ? "coach" : "tomodachi";
            await temp.Journal.AppendAsync(turn, new TurnPrompt("", turn.UserMessage), true, CancellationToken.None);
        }

        var first = await temp.Journal.ListConversationsAsync(new ListConversationsRequest { PageSize = 2 }, CancellationToken.None);
        var second = await temp.Journal.ListConversationsAsync(
            new ListConversationsRequest { PageSize = 2, PageToken = first.NextPageToken }, CancellationToken.None);

        Assert.Equal(["session-1", "session-0"], first.Conversations.Select(c => c.SessionId));
        Assert.Equal(["session-2"], second.Conversations.Select(c => c.SessionId));
        Assert.Empty(second.NextPageToken);
        Assert.Equal(2u, first.Conversations[0].TurnCount);
        Assert.Equal("coach", first.Conversations[0].Persona);
        Assert.Equal("Conversation 1 starts here and goes on", first.Conversations[0].Title);
        await Assert.ThrowsAsync<ArgumentException>(() => temp.Journal.ListConversationsAsync(
            new ListConversationsRequest { PageToken = "not-a-token" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => temp.Journal.ListConversationsAsync(
            new ListConversationsRequest { PageSize = 201 }, CancellationToken.None));
    }

    [Fact]
    public async Task Renaming_and_deleting_affect_only_their_conversation()
    {
        using var temp = new TempJournal();
        await temp.Journal.AppendAsync(Turn("a1", 0, session: "a"), TurnPrompt.Unknown, true, CancellationToken.None);
        await temp.Journal.AppendAsync(Turn("a2", 1, session: "a"), TurnPrompt.Unknown, true, CancellationToken.None);
        await temp.Journal.AppendAsync(Turn("b1", 2, session: "b"), TurnPrompt.Unknown, true, CancellationToken.None);

        var renamed = await temp.Journal.RenameConversationAsync("a", "Trip planning", CancellationToken.None);
        var deleted = await temp.Journal.DeleteConversationAsync("a", CancellationToken.None);

        Assert.Equal("Trip planning", renamed!.Title);
        Assert.Equal(2, deleted);
        Assert.Null(await temp.Journal.GetConversationAsync("a", CancellationToken.None));
        Assert.Empty((await temp.Journal.ListAsync(new ListTurnsRequest { SessionId = "a" }, CancellationToken.None)).Turns);
        Assert.NotNull(await temp.Journal.GetConversationAsync("b", CancellationToken.None));
        Assert.Null(await temp.Journal.RenameConversationAsync("a", "gone", CancellationToken.None));
        Assert.Null(await temp.Journal.DeleteConversationAsync("a", CancellationToken.None));
    }

    [Fact]
    public async Task A_journal_written_before_conversations_opens_with_every_session_listed_and_its_turns_intact()
    {
        using var temp = new TempJournal(copyOf: SchemaTwoFixture);

        var listing = await temp.Journal.ListConversationsAsync(new ListConversationsRequest(), CancellationToken.None);
        var lily = await temp.Journal.GetConversationAsync("web-a", CancellationToken.None);
        var mochi = await temp.Journal.GetConversationAsync("web-b", CancellationToken.None);
        var history = await temp.Journal.ReadHistoryAsync("web-a", CancellationToken.None);

        Assert.Equal(["web-b", "web-a"], listing.Conversations.Select(c => c.SessionId));
        Assert.Equal("Once upon a time there was a girl named Lily.", lily!.Conversation.Title);
        Assert.Equal(2u, lily.Conversation.TurnCount);
        Assert.Equal(["Once upon a time there was a girl named Lily.", "She had a red ball."], lily.Turns.Select(t => t.UserMessage));
        // Turns from before had no user content of their own: the message is what the prompt held.
        Assert.Equal("She had a red ball.", history.Turns[1].UserContent);
        Assert.Null(await temp.Journal.ReadPromptAsync(lily.Turns[0].Stats.TurnId, CancellationToken.None));
        Assert.Equal(3L, await SchemaVersionAsync(temp.Path));
        // The rating the old code stored is still there.
        var rated = mochi!.Turns.Single().Stats.TurnId;
        Assert.Equal(1, (await temp.Journal.GetRatingsAsync([rated], CancellationToken.None))[rated]);
    }

    [Fact]
    public async Task A_journal_from_a_newer_version_is_refused_with_a_message_that_says_so()
    {
        using var temp = new TempJournal();
        temp.Journal.Dispose();
        await using (var connection = new SqliteConnection($"Data Source={temp.Path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var bump = connection.CreateCommand();
            bump.CommandText = "PRAGMA user_version = 99";
            await bump.ExecuteNonQueryAsync();
        }

        var refused = Assert.Throws<InvalidOperationException>(() => temp.Reopen());

        Assert.Contains("newer Tomodachi (schema 99", refused.Message);
    }

    [Fact]
    public async Task A_deleted_conversation_leaves_its_text_in_no_file_of_the_journal_folder()
    {
        using var temp = new TempJournal();
        var marker = $"forget-me-{Guid.NewGuid():N}";
        var kept = $"keep-me-{Guid.NewGuid():N}";
        for (var i = 0; i < 3; i++)
        {
            var turn = Turn($"secret-{i}", i, session: "private");
            // The long one spills into overflow pages, which a delete frees instead of rewriting.
            turn.UserMessage = i == 2 ? string.Concat(Enumerable.Repeat($"{marker} and more words ", 400)) : $"My secret is {marker}.";
            turn.Reply = $"I will keep {marker} safe.";
            await temp.Journal.AppendAsync(turn, new TurnPrompt("system", turn.UserMessage), listed: true, CancellationToken.None);
        }

        var other = Turn("other", 5, session: "other");
        other.UserMessage = $"Remember {kept}.";
        await temp.Journal.AppendAsync(other, new TurnPrompt("system", other.UserMessage), listed: true, CancellationToken.None);
        Assert.NotEmpty(DiskTraces.FilesHolding(temp.Directory, marker)); // the search can see what it looks for

        Assert.Equal(3, await temp.Journal.DeleteConversationAsync("private", CancellationToken.None));

        Assert.Empty(DiskTraces.FilesHolding(temp.Directory, marker));
        Assert.NotEmpty(DiskTraces.FilesHolding(temp.Directory, kept));
    }

    [Fact]
    public async Task Deleting_everything_leaves_no_turn_conversation_or_text_in_any_file_of_the_journal_folder()
    {
        using var temp = new TempJournal();
        var marker = $"forget-me-{Guid.NewGuid():N}";
        var listed = Turn("listed", 0, session: "private");
        listed.UserMessage = string.Concat(Enumerable.Repeat($"{marker} and more words ", 400));
        await temp.Journal.AppendAsync(listed, new TurnPrompt("system", listed.UserMessage), listed: true, CancellationToken.None);
        var unlisted = Turn("unlisted", 1, session: "openai-call");
        unlisted.Reply = $"A stateless reply about {marker}.";
        await temp.Journal.AppendAsync(unlisted, TurnPrompt.Unknown, listed: false, CancellationToken.None);
        Assert.NotEmpty(DiskTraces.FilesHolding(temp.Directory, marker));

        Assert.Equal((1, 2), await temp.Journal.DeleteEverythingAsync(CancellationToken.None));

        Assert.Empty(DiskTraces.FilesHolding(temp.Directory, marker));
        Assert.Empty((await temp.Journal.ListAsync(new ListTurnsRequest(), CancellationToken.None)).Turns);
        Assert.Empty((await temp.Journal.ListConversationsAsync(new ListConversationsRequest(), CancellationToken.None)).Conversations);
    }

    private static Turn Turn(string id, int minute, string session = "s1") =>
        JournalTestData.Turn(id, session, JournalTestData.Epoch.AddMinutes(minute));

    private static async Task<long> SchemaVersionAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        return (long)(await version.ExecuteScalarAsync())!;
    }
}
