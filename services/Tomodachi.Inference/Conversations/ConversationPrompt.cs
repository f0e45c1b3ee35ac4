using LLama.Native;

namespace Tomodachi.Inference.Conversations;

/// <summary>A prompt ready to evaluate, and how much of the conversation's history it holds.</summary>
/// <param name="Tokens">The prompt's tokens, beginning-of-sequence included.</param>
/// <param name="HistoryTurns">Earlier turns included.</param>
/// <param name="DroppedTurns">Earlier turns left out, oldest first.</param>
public sealed record PromptPlan(LLamaToken[] Tokens, int HistoryTurns, int DroppedTurns);

/// <summary>The new message alone does not fit the context.</summary>
public sealed class PromptTooLongException(string message) : Exception(message);

/// <summary>
/// Puts a conversation into the context: the system prompt, as many of the latest earlier turns as fit, and the new
/// user message. When the history does not fit, whole turns are dropped from the oldest, and then enough more to
/// leave a quarter of the context free: the next several turns then start with the same tokens, so the slot's cached
/// prefix stays valid instead of shifting by one turn every time (llama.cpp's context shift discards half for the
/// same reason). The previous turn's drop count is where the next one starts, for the same reason.
/// </summary>
public static class ConversationPrompt
{
    /// <param name="render">Formats messages with the model's template and tokenizes them.</param>
    /// <param name="system">The system prompt; empty for none.</param>
    /// <param name="history">Earlier turns, oldest first.</param>
    /// <param name="user">The new user message as it goes into the prompt.</param>
    /// <param name="alreadyDropped">Turns the conversation's previous prompt had dropped: a lower bound here.</param>
    /// <param name="contextLimit">Tokens the context holds.</param>
    /// <param name="replyReserve">Tokens kept free for the reply when history must be dropped anyway.</param>
    /// <exception cref="PromptTooLongException">The system prompt and the new message alone fill the context.</exception>
    public static PromptPlan Assemble(
        Func<IReadOnlyList<PromptMessage>, LLamaToken[]> render, string system, IReadOnlyList<HistoryTurn> history, string user,
        int alreadyDropped, int contextLimit, int replyReserve)
    {
        var start = Math.Clamp(alreadyDropped, 0, history.Count);
        var budget = contextLimit - Math.Clamp(replyReserve, 1, contextLimit / 2);
        var tokens = Render(start);
        if (tokens.Length <= budget)
        {
            return Plan(start, tokens);
        }

        // Fewer tokens with every dropped turn, so the smallest drop that fits is found by bisection.
        var dropped = SmallestDropWithin(budget - contextLimit / 4) ?? SmallestDropWithin(budget) ?? history.Count;
        tokens = Render(dropped);
        if (tokens.Length >= contextLimit)
        {
            throw new PromptTooLongException(
                $"The message needs {tokens.Length} tokens with the system prompt, but a chat's context holds {contextLimit}; send a shorter message.");
        }

        return Plan(dropped, tokens);

        int? SmallestDropWithin(int limit)
        {
            if (Render(history.Count).Length > limit)
            {
                return null;
            }

            int low = start + 1, high = history.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (Render(middle).Length <= limit)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }

            return low;
        }

        LLamaToken[] Render(int drop) => render([
            new PromptMessage(PromptMessage.System, system),
            .. history.Skip(drop).SelectMany(turn => turn.Messages),
            new PromptMessage(PromptMessage.User, user),
        ]);

        PromptPlan Plan(int drop, LLamaToken[] rendered) => new(rendered, history.Count - drop, drop);
    }
}
