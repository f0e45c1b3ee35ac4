namespace Tomodachi.Models.Download;

/// <summary>A model could not be downloaded or verified; the message says what to do about it.</summary>
/// <param name="notFound">True when the hub has no such file (HTTP 404): a wrong reference, not a failed transfer.</param>
public sealed class ModelDownloadException(string message, Exception? inner = null, bool notFound = false) : IOException(message, inner)
{
    public bool NotFound { get; } = notFound;
}
