using System.Text;

namespace Tomodachi.Inference.Conversations;

/// <summary>
/// Puts recalled memories into the user turn they were recalled for, not into the system prompt: the system prompt
/// and every earlier turn then stay byte-for-byte what they were, so the slot's cached prefix still matches, and the
/// history shows each turn exactly as the model read it.
/// </summary>
public static class RecalledMemories
{
    public static string IntoUserTurn(string message, IReadOnlyList<string> memories)
    {
        if (memories.Count == 0)
        {
            return message;
        }

        var content = new StringBuilder("[Things you remember about me from earlier chats:");
        foreach (var memory in memories)
        {
            content.Append("\n- ").Append(memory.ReplaceLineEndings(" "));
        }

        return content.Append("]\n\n").Append(message).ToString();
    }
}
