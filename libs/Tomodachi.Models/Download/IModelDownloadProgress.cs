namespace Tomodachi.Models.Download;

/// <summary>The state of the latest model download, for status streams and dashboards.</summary>
public interface IModelDownloadProgress
{
    /// <summary>The latest download or verification, or null when none has happened since start-up.</summary>
    ModelDownloadSnapshot? Current { get; }

    /// <summary>Raised with every new snapshot, on the downloading thread: handlers must be quick.</summary>
    event Action<ModelDownloadSnapshot>? Reported;
}

/// <summary>What a download is doing.</summary>
public enum ModelDownloadPhase
{
    /// <summary>Bytes are arriving.</summary>
    Downloading,

    /// <summary>The file's sha256 is being computed or checked.</summary>
    Verifying,

    /// <summary>The file is in the cache and verified.</summary>
    Completed,

    /// <summary>The download gave up; <see cref="ModelDownloadSnapshot.Error"/> says why.</summary>
    Failed,
}

/// <summary>One reading of a download's progress.</summary>
/// <param name="Spec">The model spec, e.g. hf:owner/repo/file.gguf.</param>
/// <param name="Path">Where the file goes in the model cache.</param>
/// <param name="BytesReceived">Bytes of the file on disk so far, resumed bytes included.</param>
/// <param name="TotalBytes">Size of the whole file, when the server said.</param>
public sealed record ModelDownloadSnapshot(
    string Spec,
    string Path,
    ModelDownloadPhase Phase,
    long BytesReceived,
    long? TotalBytes,
    string? Error,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Share of the file on disk, 0 to 100, when the total is known.</summary>
    public double? Percent => TotalBytes is long total && total > 0 ? 100.0 * BytesReceived / total : null;
}

/// <summary>Holds the latest snapshot; the downloader writes it, anyone reads it.</summary>
public sealed class ModelDownloadProgress : IModelDownloadProgress
{
    private ModelDownloadSnapshot? current;

    public ModelDownloadSnapshot? Current => Volatile.Read(ref current);

    public event Action<ModelDownloadSnapshot>? Reported;

    internal void Report(ModelDownloadSnapshot snapshot)
    {
        Volatile.Write(ref current, snapshot);
        Reported?.Invoke(snapshot);
    }
}
