using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Models.Gguf;

/// <summary>
/// The shape of a generated llama model. Widths that are multiples of 32 keep the file quantizable to Q8_0/Q4_0.
/// </summary>
public sealed record GgufModelSpec
{
    /// <summary>general.name written into the file.</summary>
    public string Name { get; init; } = "tomodachi-generated";

    /// <summary>Total tokens, including the 3 control tokens and the 256 byte tokens.</summary>
    [Range(GgufVocabulary.MinimumSize, 1_000_000)]
    public int VocabSize { get; init; } = 512;

    [Range(32, 65_536)]
    public int EmbeddingLength { get; init; } = 64;

    [Range(1, 256)]
    public int BlockCount { get; init; } = 2;

    [Range(32, 262_144)]
    public int FeedForwardLength { get; init; } = 128;

    [Range(1, 256)]
    public int HeadCount { get; init; } = 4;

    [Range(1, 256)]
    public int HeadCountKv { get; init; } = 2;

    [Range(16, 1_048_576)]
    public int ContextLength { get; init; } = 2048;

    /// <summary>Seed for the random weights: the same spec always writes the same bytes.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Written as tokenizer.chat_template when set (a Jinja template, as real models carry).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Total weights the file will hold.</summary>
    public long ParameterCount
    {
        get
        {
            long embd = EmbeddingLength, kv = KvWidth, ff = FeedForwardLength;
            var perBlock = embd + embd * embd * 2 + embd * kv * 2 + embd + embd * ff * 3;
            return 2L * VocabSize * embd + embd + BlockCount * perBlock;
        }
    }

    internal int KvWidth => EmbeddingLength / HeadCount * HeadCountKv;

    /// <summary>Throws when the sizes cannot form a llama model.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (EmbeddingLength % HeadCount != 0)
        {
            throw new ArgumentException($"EmbeddingLength {EmbeddingLength} must be a multiple of HeadCount {HeadCount}.");
        }

        if (HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException($"HeadCount {HeadCount} must be a multiple of HeadCountKv {HeadCountKv}.");
        }
    }
}
