using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Storage;

/// <summary>The integer first pass must never wrap: its sum is checked against a 64-bit one on the worst case.</summary>
public sealed class Int8VectorsTests
{
    [Fact]
    public void The_full_precision_bound_is_the_largest_dimension_whose_worst_case_fits_an_int()
    {
        Assert.Equal(4129, Int8Vectors.FullPrecisionDimensions);
        Assert.True(4129L * 127 * 4095 <= int.MaxValue);
        Assert.True(4130L * 127 * 4095 > int.MaxValue);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(384)]
    [InlineData(4129)]
    [InlineData(4130)]
    [InlineData(8192)]
    [InlineData(65_536)]
    public void The_worst_case_dot_product_equals_the_64_bit_sum(int dimension)
    {
        // Every component at full magnitude and the same sign: the largest sum the quantisation allows.
        var vector = Enumerable.Repeat(1f, dimension).ToArray();
        var row = new sbyte[dimension];
        Int8Vectors.Quantize(vector, row);
        var query = Int8Vectors.QuantizeQuery(vector);

        var exact = row.Zip(query, (r, q) => (long)r * q).Sum();

        Assert.Equal(exact, Int8Vectors.Dot(row, query));
        Assert.Equal(Int8Vectors.QueryLevels(dimension), query.Max());
    }

    [Theory]
    [InlineData(4129, 4095)]
    [InlineData(4130, 4094)]
    [InlineData(8192, 2064)]
    public void The_query_keeps_12_bits_up_to_the_bound_and_fewer_above(int dimension, int levels) =>
        Assert.Equal(levels, Int8Vectors.QueryLevels(dimension));

    [Fact]
    public void A_dimension_too_large_for_a_two_level_query_is_refused()
    {
        Assert.Equal(2, Int8Vectors.QueryLevels(Int8Vectors.MaxDimensions));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int8Vectors.QueryLevels(Int8Vectors.MaxDimensions + 1));
    }
}
