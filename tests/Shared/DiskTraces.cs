using System.Text;

namespace Tomodachi.Testing;

/// <summary>Looks for text in the raw bytes of every file under a folder: what anyone reading the disk would find.</summary>
public static class DiskTraces
{
    /// <summary>The files (relative to <paramref name="folder"/>) whose bytes hold <paramref name="text"/> in UTF-8.</summary>
    public static IReadOnlyList<string> FilesHolding(string folder, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(file => Read(file).AsSpan().IndexOf(needle) >= 0)
            .Select(file => Path.GetRelativePath(folder, file))];
    }

    // The databases are open while the test reads them.
    private static byte[] Read(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
