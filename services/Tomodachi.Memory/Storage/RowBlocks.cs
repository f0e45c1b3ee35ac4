namespace Tomodachi.Memory.Storage;

/// <summary>
/// Rows of one width in blocks of <see cref="RowsPerBlock"/> rows. The index grows a block at a time: it never copies
/// what it holds into an array twice the size, which at 100k memories briefly held the 150 MB matrix twice and then
/// kept the larger array a quarter empty.
/// </summary>
internal sealed class RowBlocks<T>(int width)
    where T : struct
{
    public const int RowsPerBlock = 1024;

    private readonly List<T[]> blocks = [];

    public void EnsureCapacity(int rows)
    {
        while (blocks.Count * RowsPerBlock < rows)
        {
            blocks.Add(new T[RowsPerBlock * width]);
        }
    }

    public Span<T> Row(int row) => blocks[row / RowsPerBlock].AsSpan(row % RowsPerBlock * width, width);

    /// <summary>The rows from <paramref name="from"/> up to <paramref name="to"/> or the end of its block, whichever is first, as one span.</summary>
    public ReadOnlySpan<T> Run(int from, int to)
    {
        var rows = Math.Min(to - from, RowsPerBlock - from % RowsPerBlock);
        return blocks[from / RowsPerBlock].AsSpan(from % RowsPerBlock * width, rows * width);
    }
}
