using System.Text.RegularExpressions;

namespace Tomodachi.Inference.Conversations;

/// <summary>Titles of conversations: the start of the first message until the owner renames it.</summary>
public static partial class ConversationTitle
{
    public const int MaxLength = 200;
    private const int FromMessageLength = 60;

    /// <summary>The first message on one line, cut at a word near 60 characters.</summary>
    public static string FromMessage(string message)
    {
        var line = Whitespace().Replace(message, " ").Trim();
        if (line.Length <= FromMessageLength)
        {
            return line.Length == 0 ? "New chat" : line;
        }

        var cut = line.LastIndexOf(' ', FromMessageLength);
        return line[..(cut > FromMessageLength / 2 ? cut : FromMessageLength)].TrimEnd() + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
