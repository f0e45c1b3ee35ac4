using System.Text.RegularExpressions;

namespace Tomodachi.Models.Download;

/// <summary>A GGUF file in a Hugging Face repository, named by a spec <c>hf:&lt;owner&gt;/&lt;repo&gt;/&lt;file&gt;.gguf</c>.</summary>
public sealed partial record HuggingFaceFile(string Owner, string Repository, string FilePath)
{
    public const string Scheme = "hf:";

    /// <summary>True when the spec asks for a download, whether or not it is well formed.</summary>
    public static bool IsSpec(string modelSpec) => modelSpec.StartsWith(Scheme, StringComparison.Ordinal);

    /// <exception cref="ArgumentException">The spec is not hf:&lt;owner&gt;/&lt;repo&gt;/&lt;file&gt;.gguf.</exception>
    public static HuggingFaceFile Parse(string modelSpec)
    {
        // Each segment is checked on its own, so nothing like "..", an empty segment or a query string can
        // steer the download outside the repository or the file outside the cache.
        var segments = modelSpec[Scheme.Length..].Split('/');
        if (segments.Length < 3 || !segments.All(SafeSegment().IsMatch) || segments.Any(s => s is "." or "..")
            || !segments[^1].EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"'{modelSpec}' is not a model spec of the form hf:<owner>/<repo>/<file>.gguf (letters, digits, '.', '_', '-' and '+' in each part).");
        }

        return new HuggingFaceFile(segments[0], segments[1], string.Join('/', segments[2..]));
    }

    public Uri DownloadUrl(Uri baseUrl) =>
        new($"{baseUrl.AbsoluteUri.TrimEnd('/')}/{Owner}/{Repository}/resolve/main/{FilePath}");

    public string CachePath(string cacheDirectory) =>
        Path.Combine([cacheDirectory, Owner, Repository, .. FilePath.Split('/')]);

    public override string ToString() => $"{Scheme}{Owner}/{Repository}/{FilePath}";

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex SafeSegment();
}
