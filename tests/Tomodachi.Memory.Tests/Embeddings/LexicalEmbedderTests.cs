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
    public void A_question_about_the_dog_is_closest_to_the_sentence_naming_the_dog()
    {
        var query = LexicalEmbedder.Embed("what is my dog's name?");
        string[] memories =
        [
            "my cat is called Tom",
            "I had pizza for lunch",
            "my dog is called Rex",
            "what is the time?",
            "my name is Alex",
        ];

        var best = memories.MaxBy(m => TensorPrimitives.Dot(query, LexicalEmbedder.Embed(m)));

        Assert.Equal("my dog is called Rex", best);
    }

    [Fact]
    public void Plural_and_case_differences_still_match()
    {
        var score = TensorPrimitives.Dot(LexicalEmbedder.Embed("DOGS"), LexicalEmbedder.Embed("dog"));

        Assert.True(score > 0.9f, $"score {score}");
    }
}
