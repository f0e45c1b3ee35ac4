namespace Tomodachi.Models.Gguf;

/// <summary>
/// A SentencePiece-style ("llama") vocabulary: unknown/BOS/EOS, the 256 byte-fallback tokens, then pieces. Byte
/// fallback means any UTF-8 text tokenizes, so a small vocabulary still covers everything.
/// </summary>
internal static class GgufVocabulary
{
    public const int UnknownId = 0;
    public const int BosId = 1;
    public const int EosId = 2;
    public const int MinimumSize = 3 + 256 + 1;

    // llama.cpp token types.
    public const int Normal = 1, Unknown = 2, Control = 3, Byte = 6;

    private const char WordStart = '\u2581';

    private static readonly string[] CommonWords =
    [
        "the", "and", "you", "to", "a", "I", "is", "it", "of", "in", "that", "me", "my", "for", "what", "are",
        "do", "how", "hello", "hi", "today", "day", "friend", "remember", "true", "false", "persona", "memory",
        "query", "use", "name", "like", "good", "thanks", "yes", "no", "with", "your", "we", "be", "this", "was",
    ];

    public static (string Text, float Score, int Type)[] Build(int size)
    {
        var pieces = new List<(string, float, int)>(size)
        {
            ("<unk>", 0f, Unknown),
            ("<s>", 0f, Control),
            ("</s>", 0f, Control),
        };
        for (var b = 0; b < 256; b++)
        {
            pieces.Add(($"<0x{b:X2}>", 0f, Byte));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var piece in Candidates())
        {
            if (pieces.Count == size)
            {
                break;
            }

            if (seen.Add(piece))
            {
                // SentencePiece merges prefer higher scores; longer pieces win so words stay whole.
                pieces.Add((piece, piece.Length - pieces.Count / (float)size, Normal));
            }
        }

        if (pieces.Count < size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"At most {pieces.Count} tokens can be generated.");
        }

        return [.. pieces];
    }

    /// <summary>
    /// Pieces in the order they are kept. SentencePiece only reaches a piece by merging two shorter ones, so every
    /// word comes with all of its prefixes.
    /// </summary>
    private static IEnumerable<string> Candidates()
    {
        for (var c = ' ' + 1; c < 127; c++)
        {
            yield return ((char)c).ToString();
        }

        yield return WordStart.ToString();
        foreach (var word in CommonWords)
        {
            foreach (var text in new[] { WordStart + word, word })
            {
                for (var length = 2; length <= text.Length; length++)
                {
                    yield return text[..length];
                }
            }
        }

        foreach (var piece in new[] { "{\"", "\":", "\",", "\"}", "\"}" })
        {
            yield return piece;
        }

        for (var a = 'a'; a <= 'z'; a++)
        {
            yield return $"{WordStart}{a}";
            for (var b = 'a'; b <= 'z'; b++)
            {
                yield return $"{a}{b}";
                yield return $"{WordStart}{a}{b}";
            }
        }

        for (var a = 'a'; a <= 'z'; a++)
        {
            for (var b = 'a'; b <= 'z'; b++)
            {
                for (var c = 'a'; c <= 'z'; c++)
                {
                    yield return $"{a}{b}{c}";
                    yield return $"{WordStart}{a}{b}{c}";
                }
            }
        }
    }
}
