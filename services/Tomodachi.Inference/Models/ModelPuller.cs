using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tomodachi.Models.Download;

namespace Tomodachi.Inference.Models;

/// <summary>
/// A pull of an hf: reference at run time: the same resolver (and so the same downloader, checks and cache) the
/// service uses at start-up, with its progress as a stream. Progress is thinned to what a person can follow — every
/// whole percent, every change of phase, at least every half second — so a fast download does not flood the caller.
/// </summary>
public sealed class ModelPuller(ModelResolver resolver, IModelDownloadProgress progress)
{
    private static readonly TimeSpan MaxQuiet = TimeSpan.FromMilliseconds(500);

    /// <summary>The progress of the pull, then the path of the verified file in the cache.</summary>
    /// <exception cref="ArgumentException">Not an hf: reference.</exception>
    /// <exception cref="ModelDownloadException">It could not be downloaded or verified; <see cref="ModelDownloadException.NotFound"/> when the hub has no such file.</exception>
    public async IAsyncEnumerable<PullEvent> PullAsync(string reference, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var file = HuggingFaceFile.Parse(HuggingFaceFile.IsSpec(reference) ? reference
            : throw new ArgumentException($"PullModel takes an hf: reference like hf:<owner>/<repo>/<file>.gguf, not '{reference}'."));
        var spec = file.ToString();
        var updates = Channel.CreateBounded<ModelDownloadSnapshot>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        var last = (Phase: (ModelDownloadPhase?)null, Percent: -1, At: DateTimeOffset.MinValue);
        void OnReported(ModelDownloadSnapshot snapshot)
        {
            var percent = (int)(snapshot.Percent ?? 0);
            if (snapshot.Spec == spec && (snapshot.Phase != last.Phase || percent > last.Percent || snapshot.UpdatedAt - last.At >= MaxQuiet))
            {
                last = (snapshot.Phase, percent, snapshot.UpdatedAt);
                updates.Writer.TryWrite(snapshot);
            }
        }

        progress.Reported += OnReported;
        var pulling = Task.Run(async () =>
        {
            try
            {
                return await resolver.ResolveAsync(spec, cancellationToken);
            }
            finally
            {
                updates.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var snapshot in updates.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new PullEvent(snapshot, null);
            }

            yield return new PullEvent(null, await pulling);
        }
        finally
        {
            progress.Reported -= OnReported;
            // A caller that left stops the download (its ct is the same); wait for it so nothing writes on afterwards.
            await Task.WhenAny(pulling);
        }
    }
}

/// <summary>One step of a pull: a progress snapshot, or at the end the cached file's path.</summary>
public sealed record PullEvent(ModelDownloadSnapshot? Progress, string? Path);
