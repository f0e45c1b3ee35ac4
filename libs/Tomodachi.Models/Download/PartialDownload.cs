namespace Tomodachi.Models.Download;

/// <summary>
/// What a <c>.part</c> file holds, recorded beside it as <c>.part.source</c>: the sha256 the hub published for the
/// file and the ETag of the response its bytes came from. Resuming sends that ETag as <c>If-Range</c>, so a server
/// whose file changed sends the whole new file instead of splicing its tail onto the old bytes; a part recorded for
/// another sha256, or with no record, is discarded.
/// </summary>
internal sealed class PartialDownload(string path)
{
    public const string PartExtension = ".part";
    private const string SourceExtension = ".source";

    public string PartPath { get; } = path + PartExtension;

    private string SourcePath => PartPath + SourceExtension;

    /// <summary>Bytes already on disk that belong to the published file; 0 after discarding a part that does not.</summary>
    public long UsableBytes(PublishedFile published)
    {
        if (!File.Exists(PartPath))
        {
            return 0;
        }

        if (ReadSource() is { } source && source.Sha256 == published.Sha256 && source.ETag is not null)
        {
            return new FileInfo(PartPath).Length;
        }

        Discard();
        return 0;
    }

    /// <summary>The validator to resume with.</summary>
    public string? ETag => ReadSource()?.ETag;

    public Task StartAsync(PublishedFile published, string? etag, CancellationToken ct) =>
        File.WriteAllTextAsync(SourcePath, $"sha256={published.Sha256}\netag={etag}\n", ct);

    public void Discard()
    {
        File.Delete(PartPath);
        File.Delete(SourcePath);
    }

    /// <summary>Moves the finished part into place and forgets its record.</summary>
    public void Complete()
    {
        File.Move(PartPath, path, overwrite: true);
        File.Delete(SourcePath);
    }

    private (string? Sha256, string? ETag)? ReadSource()
    {
        if (!File.Exists(SourcePath))
        {
            return null;
        }

        var values = File.ReadAllLines(SourcePath).Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        return (values.GetValueOrDefault("sha256"), values.GetValueOrDefault("etag") is { Length: > 0 } etag ? etag : null);
    }
}
