namespace Tomodachi.Models.Download;

/// <summary>
/// What the hub publishes about a file before any byte of it is fetched: its size and sha256 (Git LFS keeps both for
/// every large file) and the commit the revision resolved to. A download is checked against these, not against a
/// hash of whatever arrived.
/// </summary>
public sealed record PublishedFile(long Size, string Sha256, string? Commit);
