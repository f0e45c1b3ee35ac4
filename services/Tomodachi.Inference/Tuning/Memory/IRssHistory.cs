namespace Tomodachi.Inference.Tuning.Memory;

/// <summary>One reading of the inference process's resident set size. <paramref name="RunId"/> names one process lifetime.</summary>
public sealed record RssSample(DateTimeOffset At, string RunId, long RssBytes);

/// <summary>The RSS history the leak finding needs; the service only knows its current RSS otherwise.</summary>
public interface IRssHistory
{
    Task AddAsync(RssSample sample, CancellationToken ct);

    /// <summary>
    /// The newest <paramref name="limit"/> samples, oldest first, of the latest process run with samples in the
    /// window: a restart resets RSS, so samples of different runs are never mixed.
    /// </summary>
    Task<IReadOnlyList<RssSample>> ReadLatestRunAsync(DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken ct);
}
