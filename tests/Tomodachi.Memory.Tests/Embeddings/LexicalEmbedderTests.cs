using System.Numerics.Tensors;
using Tomodachi.Memory.Embeddings;

namespace Tomodachi.Memory.Tests.Embeddings;

public sealed class LexicalEmbedderTests
{
    [Fact]
    public void Vectors_have_384_dimensions_and_unit_length()
    {
        var vector = LexicalEmbedder.Embed("my dog is called Rex");

        Assert.Equal(384, vector.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(vector), 5);
    }

    [Fact]
    public void The_same_text_always_gives_the_same_vector()
    {
        Assert.Equal(LexicalEmbedder.Embed("Tomodachi remembers"), LexicalEmbedder.Embed("Tomodachi remembers"));
    }

    [Fact]
    public void Text_without_letters_still_gets_a_unit_vector()
    {
        Assert.Equal(1f, TensorPrimitives.Norm(LexicalEmbedder.Embed("!!! ???")), 5);
    }

    [Fact]
    public void A_query_is_closest_to_the_memory_that_shares_its_words()
    {
        var query = LexicalEmbedder.Embed("where does my sister live?");
        string[] memories =
        [
            "my brother works in Osaka",
            "I had pizza for lunch",
            "my sister lives in Kyoto",
            "where is the station?",
        ];

        var best = memories.MaxBy(m => TensorPrimitives.Dot(query, LexicalEmbedder.Embed(m)));

        Assert.Equal("my sister lives in Kyoto", best);
    }

    [Fact]
    public void It_is_lexical_words_of_the_same_meaning_do_not_meet()
    {
        var score = TensorPrimitives.Dot(LexicalEmbedder.Embed("puppy"), LexicalEmbedder.Embed("dog"));

        Assert.True(score < 0.3f, $"score {score}");
    }

    [Fact]
    public void Plural_and_case_differences_still_match()
    {
        var score = TensorPrimitives.Dot(LexicalEmbedder.Embed("DOGS"), LexicalEmbedder.Embed("dog"));

        Assert.True(score > 0.9f, $"score {score}");
    }
}
