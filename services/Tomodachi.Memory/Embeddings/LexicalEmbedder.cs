using System.Globalization;
using System.Text;

namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// A deterministic embedder that needs no model: words and character trigrams are hashed into 384 buckets
/// (the "hashing trick"), weighted, and L2-normalised. It is lexical, not semantic: it finds memories that
/// share words or word stems with the query, but it does not know that "puppy" and "dog" mean the same thing.
/// Chosen only explicitly (<c>Memory:Embedder=Lexical</c>).
/// </summary>
public sealed class LexicalEmbedder : IEmbedder
{
    public const int Dimensions = 384;

    // Function words carry little meaning but appear in nearly every sentence; full weight would make every
    // question look like every statement.
    private const float StopWordWeight = 0.15f;
    private const float WordWeight = 1f;
    // Trigrams let "dogs" and "dog" or "called" and "calling" meet; together they weigh about as much as the word.
    private const float TrigramWeight = 0.6f;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "to", "of", "and", "or", "in", "on", "at",
        "for", "with", "what", "which", "who", "whom", "how", "when", "where", "why", "my", "your", "our", "their",
        "his", "her", "its", "i", "you", "we", "they", "he", "she", "it", "me", "us", "them", "that", "this",
        "these", "those", "do", "does", "did", "s", "t", "so", "as", "by", "from", "about", "has", "have", "had",
    };

    public string Name => "lexical-hash-v1";

    public int Dimension => Dimensions;

    /// <summary>Questions and passages are embedded alike; the token count is the number of words.</summary>
    public ValueTask<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<TextEmbedding>>(texts.Select(text => new TextEmbedding(Embed(text), Words(text).Count)).ToList());

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        var words = Words(text);
        foreach (var word in words)
        {
            if (StopWords.Contains(word))
            {
                Add(vector, 'w', word, StopWordWeight);
                continue;
            }

            var stem = Stem(word);
            Add(vector, 'w', stem, WordWeight);
            AddTrigrams(vector, stem);
        }

        // Text without letters or digits ("!!!", emoji) still deserves a vector of its own.
        if (words.Count == 0)
        {
            AddTrigrams(vector, text.Trim());
        }

        Normalise(vector);
        return vector;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    // A plural "s" is the commonest suffix in short chat sentences; anything more would need a real stemmer.
    private static string Stem(string word) =>
        word.Length > 3 && word[^1] == 's' && word[^2] != 's' ? word[..^1] : word;

    private static void AddTrigrams(float[] vector, string word)
    {
        var padded = $"<{word}>";
        var grams = padded.Length - 2;
        if (grams <= 0)
        {
            return;
        }

        var weight = TrigramWeight / MathF.Sqrt(grams);
        for (var i = 0; i < grams; i++)
        {
            Add(vector, 'c', padded.AsSpan(i, 3), weight);
        }
    }

    private static void Add(float[] vector, char kind, ReadOnlySpan<char> feature, float weight)
    {
        var hash = Fnv1a(kind, feature);
        var bucket = (int)(hash % Dimensions);
        // A sign from another part of the hash makes colliding features cancel out on average instead of piling up.
        var sign = (hash >> 63) == 0 ? 1f : -1f;
        vector[bucket] += sign * weight;
    }

    private static ulong Fnv1a(char kind, ReadOnlySpan<char> feature)
    {
        const ulong offset = 14695981039346656037;
        const ulong prime = 1099511628211;
        var hash = (offset ^ kind) * prime;
        foreach (var c in feature)
        {
            hash = (hash ^ (byte)c) * prime;
            hash = (hash ^ (byte)(c >> 8)) * prime;
        }

        return hash;
    }

    private static void Normalise(float[] vector)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
