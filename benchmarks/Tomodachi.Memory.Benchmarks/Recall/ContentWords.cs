using System.Text.RegularExpressions;

namespace Tomodachi.Memory.Benchmarks.Recall;

/// <summary>
/// How many of a question's content words (lower-cased words that are not function words) its fact contains: the
/// set's measure of how much a purely lexical match could help. Exact word forms, no stemming.
/// </summary>
internal static partial class ContentWords
{
    private static readonly HashSet<string> FunctionWords =
    [
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "to", "of", "and", "or", "in", "on", "at", "for",
        "with", "what", "which", "who", "whom", "how", "when", "where", "why", "my", "your", "our", "their", "his", "her",
        "its", "i", "you", "we", "they", "he", "she", "it", "me", "us", "them", "that", "this", "these", "those", "do",
        "does", "did", "s", "t", "so", "as", "by", "from", "about", "has", "have", "had", "m", "ve", "can", "any", "there",
        "some", "up", "now", "since", "after", "before", "when", "most", "much", "many", "get", "go", "still", "should",
        "must", "could", "would", "will", "if", "not", "no", "every", "each", "all", "last", "next", "usually", "ever",
    ];

    public static double Overlap(string fact, string question)
    {
        var asked = Words(question);
        if (asked.Count == 0)
        {
            return 0;
        }

        var told = Words(fact);
        return asked.Count(told.Contains) / (double)asked.Count;
    }

    private static HashSet<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => !FunctionWords.Contains(w)).ToHashSet();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
