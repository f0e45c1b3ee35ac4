using System.Text.RegularExpressions;

namespace Tomodachi.Models.Download;

/// <summary>
/// A GGUF file in a Hugging Face repository, named by a spec <c>hf:&lt;owner&gt;/&lt;repo&gt;/&lt;file&gt;.gguf</c>, or
/// <c>hf:&lt;owner&gt;/&lt;repo&gt;@&lt;revision&gt;/&lt;file&gt;.gguf</c> to pin a commit, tag or branch.
/// </summary>
public sealed partial record HuggingFaceFile(string Owner, string Repository, string FilePath, string? Revision = null)
{
    public const string Scheme = "hf:";

    /// <summary>True when the spec asks for a download, whether or not it is well formed.</summary>
    public static bool IsSpec(string modelSpec) => modelSpec.StartsWith(Scheme, StringComparison.Ordinal);

    /// <exception cref="ArgumentException">The spec is not hf:&lt;owner&gt;/&lt;repo&gt;[@&lt;revision&gt;]/&lt;file&gt;.gguf.</exception>
    public static HuggingFaceFile Parse(string modelSpec)
    {
        // Each segment is checked on its own, so nothing like "..", an empty segment or a query string can
        // steer the download outside the repository or the file outside the cache.
        var segments = modelSpec[Scheme.Length..].Split('/');
        var repository = segments.Length > 1 ? segments[1].Split('@') : [];
        if (segments.Length < 3 || repository.Length > 2 || !segments.Skip(2).Prepend(segments[0]).Concat(repository).All(IsSafe)
            || !segments[^1].EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"'{modelSpec}' is not a model spec of the form hf:<owner>/<repo>/<file>.gguf or hf:<owner>/<repo>@<revision>/<file>.gguf " +
                "(letters, digits, '.', '_', '-' and '+' in each part).");
        }

        return new HuggingFaceFile(segments[0], repository[0], string.Join('/', segments[2..]), repository.Length == 2 ? repository[1] : null);
    }

    public Uri DownloadUrl(Uri baseUrl) =>
        new($"{baseUrl.AbsoluteUri.TrimEnd('/')}/{Owner}/{Repository}/resolve/{Revision ?? "main"}/{FilePath}");

    /// <summary>
    /// Where the file lives in the cache: <c>{cache}/{owner}/{repo}/{file}</c>, or <c>{cache}/{owner}/{repo}@{revision}/{file}</c>
    /// when pinned, so files of two revisions never overwrite each other.
    /// </summary>
    public string CachePath(string cacheDirectory) =>
        Path.Combine([cacheDirectory, Owner, Revision is null ? Repository : $"{Repository}@{Revision}", .. FilePath.Split('/')]);

    public override string ToString() => $"{Scheme}{Owner}/{Repository}{(Revision is null ? "" : "@" + Revision)}/{FilePath}";

    private static bool IsSafe(string segment) => SafeSegment().IsMatch(segment) && segment is not ("." or "..");

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex SafeSegment();
}
