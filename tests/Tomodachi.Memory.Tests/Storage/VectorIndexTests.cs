using System.Numerics.Tensors;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Storage;

public sealed class VectorIndexTests
{
    private const int Dimension = 32;

    [Fact]
    public void Search_over_many_rows_in_parallel_finds_the_exact_top_k()
    {
        // Above the parallel threshold, so the partitioned scan and the merge are both exercised.
        var random = new Random(7);
        var index = new VectorIndex(Dimension);
        var vectors = new Dictionary<Guid, float[]>();
        for (var i = 0; i < 20_000; i++)
        {
            var vector = RandomUnitVector(random);
            var id = Guid.NewGuid();
            vectors[id] = vector;
            index.Upsert(id, vector, i, Speaker.Note, "");
        }

        var query = RandomUnitVector(random);

        var hits = index.Search(query, 10, MemoryFilter.None);

        var expected = vectors.OrderByDescending(v => TensorPrimitives.Dot(v.Value, query)).Take(10).Select(v => v.Key);
        Assert.Equal(expected, hits.Select(h => h.Id));
    }

    [Fact]
    public void The_8_bit_first_pass_loses_none_of_the_exact_top_k_on_lexical_memories()
    {
        // Lexical vectors of short sentences over a small vocabulary are the hard case for the 8-bit pass: few
        // non-zero dimensions (coarse steps) and many memories scoring nearly alike.
        var random = new Random(11);
        var words = Enumerable.Range(0, 400).Select(i => $"w{i * 7919 % 10007}").ToArray();
        string Sentence(int length) => string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)]));
        var index = new VectorIndex(LexicalEmbedder.Dimensions);
        var vectors = new List<(Guid Id, float[] Vector)>();
        for (var i = 0; i < 20_000; i++)
        {
            var vector = LexicalEmbedder.Embed(Sentence(random.Next(4, 14)));
            var id = Guid.NewGuid();
            vectors.Add((id, vector));
            index.Upsert(id, vector, i, Speaker.Note, "");
        }

        var found = 0;
        var wanted = 0;
        for (var q = 0; q < 100; q++)
        {
            var query = LexicalEmbedder.Embed(Sentence(random.Next(2, 7)));
            var exact = vectors.Select(v => TensorPrimitives.Dot(v.Vector, query)).OrderDescending().Take(10).ToList();

            var hits = index.Search(query, 10, MemoryFilter.None);

            // Compared by score, so memories tied at the 10th place count whichever of them is returned.
            wanted += exact.Count;
            found += exact.Zip(hits, (e, h) => Math.Abs(e - h.Score) < 1e-5f).Count(same => same);
        }

        Assert.True(found == wanted, $"Recall {found} of {wanted} against the exact scan.");
    }

    [Fact]
    public void Removing_a_row_keeps_every_other_row_findable()
    {
        var random = new Random(3);
        var index = new VectorIndex(Dimension);
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var vectors = ids.ToDictionary(id => id, _ => RandomUnitVector(random));
        foreach (var id in ids)
        {
            index.Upsert(id, vectors[id], 0, Speaker.Note, "");
        }

        Assert.True(index.Remove(ids[1]));
        Assert.False(index.Remove(ids[1]));

        Assert.Equal(4, index.Count);
        foreach (var id in ids.Where(id => id != ids[1]))
        {
            Assert.Equal(id, index.Search(vectors[id], 1, MemoryFilter.None).Single().Id);
        }
    }

    [Fact]
    public void Removing_a_row_from_the_first_block_refills_it_from_the_last_block()
    {
        // Rows live in blocks of 1 024; a removed row is refilled with the last one, here two blocks away.
        var random = new Random(5);
        var index = new VectorIndex(Dimension);
        var rows = Enumerable.Range(0, 2 * RowBlocks<float>.RowsPerBlock + 52).Select(_ => (Id: Guid.NewGuid(), Vector: RandomUnitVector(random))).ToList();
        foreach (var (id, vector) in rows)
        {
            index.Upsert(id, vector, 0, Speaker.Note, "");
        }

        Assert.True(index.Remove(rows[5].Id));

        Assert.Equal(rows.Count - 1, index.Count);
        foreach (var (id, vector) in rows.Where((_, i) => i != 5))
        {
            var hit = index.Search(vector, 1, MemoryFilter.None).Single();
            Assert.Equal(id, hit.Id);
            Assert.Equal(1f, hit.Score, 1e-5f);
        }
    }

    private static float[] RandomUnitVector(Random random)
    {
        var vector = new float[Dimension];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        }

        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }
}
