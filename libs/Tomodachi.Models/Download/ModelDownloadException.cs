namespace Tomodachi.Models.Download;

/// <summary>A model could not be downloaded or verified; the message says what to do about it.</summary>
public sealed class ModelDownloadException(string message, Exception? inner = null) : IOException(message, inner);
