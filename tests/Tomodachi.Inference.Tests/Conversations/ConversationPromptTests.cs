using LLama.Native;
using Tomodachi.Inference.Conversations;

namespace Tomodachi.Inference.Tests.Conversations;

/// <summary>
/// History assembly and truncation, with a renderer that makes one token per word plus two per message (a header and
/// an end marker, as chat templates do), so every count below can be worked out by hand.
/// </summary>
public sealed class ConversationPromptTests
{
    private static LLamaToken[] Render(IReadOnlyList<PromptMessage> messages) =>
        [.. messages.SelectMany(m => new[] { m.Role }.Concat(m.Content.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Append("<end>"))
            .Select(word => (LLamaToken)(word.GetHashCode() & 0xffff))];

    private static IReadOnlyList<HistoryTurn> Turns(int count, int wordsEach) =>
        [.. Enumerable.Range(0, count).Select(i => HistoryTurn.Of(Words($"q{i}", wordsEach), Words($"a{i}", wordsEach)))];

    private static string Words(string stem, int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"{stem}w{i}"));

    [Fact]
    public void Everything_fits_so_every_turn_is_included_in_order()
    {
        var history = Turns(3, 5);

        var plan = ConversationPrompt.Assemble(Render, "be kind", history, "hello", 0, contextLimit: 200, replyReserve: 20);

        // system 2+2, three turns of (5+2)+(5+2), the message 1+2.
        Assert.Equal(4 + 3 * 14 + 3, plan.Tokens.Length);
        Assert.Equal((3, 0), (plan.HistoryTurns, plan.DroppedTurns));
        Assert.Equal(Render([new("system", "be kind"), .. history.SelectMany(t => t.Messages), new("user", "hello")]), plan.Tokens);
    }

    [Fact]
    public void History_that_does_not_fit_loses_whole_turns_from_the_oldest_and_leaves_a_quarter_of_the_context_free()
    {
        var history = Turns(10, 5); // 14 tokens a turn

        var plan = ConversationPrompt.Assemble(Render, "be kind", history, "hello", 0, contextLimit: 120, replyReserve: 20);

        // Budget 100, headroom 30: at most 70 tokens, i.e. 4 + 3 + 14n <= 70, so 4 turns (63 tokens).
        Assert.Equal((4, 6), (plan.HistoryTurns, plan.DroppedTurns));
        Assert.Equal(63, plan.Tokens.Length);
        var expected = Render([new("system", "be kind"), .. history.Skip(6).SelectMany(t => t.Messages), new("user", "hello")]);
        Assert.Equal(expected, plan.Tokens);
    }

    [Fact]
    public void The_previous_drop_is_kept_while_the_prompt_fits_so_the_cached_prefix_stays_the_same()
    {
        var history = Turns(7, 5);

        var plan = ConversationPrompt.Assemble(Render, "be kind", history, "hello", alreadyDropped: 6, contextLimit: 120, replyReserve: 20);

        Assert.Equal((1, 6), (plan.HistoryTurns, plan.DroppedTurns));
    }

    [Fact]
    public void A_message_that_fits_only_without_history_drops_all_of_it_rather_than_failing()
    {
        var history = Turns(3, 5);
        var message = Words("long", 90);

        var plan = ConversationPrompt.Assemble(Render, "be kind", history, message, 0, contextLimit: 120, replyReserve: 20);

        Assert.Equal((0, 3), (plan.HistoryTurns, plan.DroppedTurns));
        Assert.Equal(4 + 92, plan.Tokens.Length);
    }

    [Fact]
    public void A_message_too_long_for_the_context_on_its_own_is_refused_with_the_counts()
    {
        var refused = Assert.Throws<PromptTooLongException>(() =>
            ConversationPrompt.Assemble(Render, "be kind", Turns(2, 5), Words("long", 200), 0, contextLimit: 120, replyReserve: 20));

        Assert.Contains("206 tokens", refused.Message);
        Assert.Contains("holds 120", refused.Message);
    }

    [Fact]
    public void Recalled_memories_go_into_the_user_turn_and_leave_the_message_last()
    {
        var content = RecalledMemories.IntoUserTurn("What is my cat called?", ["My cat is called Mochi.", "I live\nin Kyoto."]);

        Assert.Equal("[Things you remember about me from earlier chats:\n- My cat is called Mochi.\n- I live in Kyoto.]\n\nWhat is my cat called?", content);
        Assert.Equal("hi", RecalledMemories.IntoUserTurn("hi", []));
    }
}
