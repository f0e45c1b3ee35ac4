using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tomodachi.Memory.Storage;

/// <summary>
/// Vectors as 8-bit integers with one scale per vector, for the first pass of a search: a quarter of the bytes of
/// the floats, so the scan reads 38 MB instead of 150 MB at 100k × 384. Queries keep 12 bits, so nearly all of the
/// rounding error is the stored rows'. <see cref="Dot"/> sums in an int: |row| ≤ 127 and |query| ≤ its levels, so a
/// dot product is at most dimension × 127 × levels, and the query gets as many levels as keep that below
/// <see cref="int.MaxValue"/> — 12 bits up to <see cref="FullPrecisionDimensions"/> dimensions, fewer above.
/// </summary>
internal static class Int8Vectors
{
    private const int RowLevels = sbyte.MaxValue;
    private const int MaxQueryLevels = 4095;

    /// <summary>The most dimensions at which the query keeps all 12 bits: ⌊(2³¹ − 1) / (127 × 4095)⌋.</summary>
    public const int FullPrecisionDimensions = int.MaxValue / (RowLevels * MaxQueryLevels);

    /// <summary>Beyond this the query would have fewer than two levels (a sign) and the first pass would rank nothing.</summary>
    public const int MaxDimensions = int.MaxValue / (RowLevels * 2);

    /// <summary>The query's levels for vectors of <paramref name="dimension"/>: the most that cannot overflow the sum.</summary>
    public static int QueryLevels(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, MaxDimensions);
        return Math.Min(MaxQueryLevels, int.MaxValue / (RowLevels * dimension));
    }

    /// <summary>Writes <paramref name="vector"/> as integers; returns the scale that turns them back into floats.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> into)
    {
        var scale = Scale(vector, RowLevels);
        for (var i = 0; i < vector.Length; i++)
        {
            into[i] = scale == 0 ? (sbyte)0 : (sbyte)MathF.Round(vector[i] / scale);
        }

        return scale;
    }

    /// <summary>The query for <see cref="Dot"/>. Its scale is the same for every row, so ranking ignores it.</summary>
    public static short[] QuantizeQuery(ReadOnlySpan<float> query)
    {
        var scale = Scale(query, QueryLevels(query.Length));
        var into = new short[query.Length];
        for (var i = 0; i < query.Length; i++)
        {
            into[i] = scale == 0 ? (short)0 : (short)MathF.Round(query[i] / scale);
        }

        return into;
    }

    /// <summary>The integer dot product of a stored row and a quantised query.</summary>
    public static int Dot(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        ref var r = ref MemoryMarshal.GetReference(row);
        ref var q = ref MemoryMarshal.GetReference(query);
        var length = row.Length;
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported)
        {
            // Sign-extend 16 bytes to 16 shorts, multiply by the query's shorts and add neighbours into ints
            // (vpmaddwd); two accumulators keep both multiply units busy.
            var even = Vector256<int>.Zero;
            var odd = Vector256<int>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var first = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r, (nuint)i));
                var second = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r, (nuint)i + 16));
                even = Avx2.Add(even, Avx2.MultiplyAddAdjacent(first, Vector256.LoadUnsafe(ref q, (nuint)i)));
                odd = Avx2.Add(odd, Avx2.MultiplyAddAdjacent(second, Vector256.LoadUnsafe(ref q, (nuint)i + 16)));
            }

            sum = Vector256.Sum(Avx2.Add(even, odd));
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref r, i) * Unsafe.Add(ref q, i);
        }

        return sum;
    }

    private static float Scale(ReadOnlySpan<float> vector, float levels) =>
        vector.IsEmpty ? 0 : MathF.Abs(TensorPrimitives.MaxMagnitude(vector)) / levels;
}
