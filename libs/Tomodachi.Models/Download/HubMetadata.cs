using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tomodachi.Models.Download;

/// <summary>
/// Asks the hub what it publishes about a file (a HEAD request on its resolve URL, redirects not followed, as
/// huggingface_hub does): <c>X-Linked-Size</c> and <c>X-Linked-Etag</c> (the Git LFS size and sha256) and
/// <c>X-Repo-Commit</c>. A mirror that serves the file itself may give the size as Content-Length and the sha256 as ETag.
/// </summary>
public sealed partial class HubMetadata(IHttpClientFactory httpClients, IOptions<ModelDownloadOptions> options)
{
    public const string HttpClientName = "model-metadata";
    private const int MaxRedirects = 5;

    public async Task<PublishedFile> GetAsync(HuggingFaceFile file, CancellationToken ct)
    {
        var url = file.DownloadUrl(options.Value.BaseUrl);
        var client = httpClients.CreateClient(HttpClientName);
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var published = Read(response);
            if (published is not null)
            {
                return published;
            }

            // A renamed repository answers with a relative redirect to its new name; the file itself lives elsewhere
            // (a CDN), which is only fetched once its size and hash are known.
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location && redirects < MaxRedirects
                && !location.IsAbsoluteUri)
            {
                url = new Uri(url, location);
                continue;
            }

            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => new ModelDownloadException(
                    $"{file} was not found at {file.DownloadUrl(options.Value.BaseUrl)} (HTTP 404): check the owner, repository, revision and file name.",
                    notFound: true),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ModelDownloadException(
                    $"{file} at {url} needs permission (HTTP {(int)response.StatusCode}): the repository is private or gated."),
                _ when response.IsSuccessStatusCode || (int)response.StatusCode is >= 300 and < 400 => new ModelDownloadException(
                    $"{url} publishes no sha256 for {file} (no X-Linked-Etag header), so what arrives could not be checked; " +
                    "Tomodachi downloads only files it can verify."),
                _ => new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} asking {url} about {file}", null, response.StatusCode),
            };
        }
    }

    private static PublishedFile? Read(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode && (int)response.StatusCode is not (>= 300 and < 400))
        {
            return null;
        }

        var sha256 = Sha256(Header(response, "X-Linked-Etag")) ?? Sha256(response.Headers.ETag?.Tag);
        var size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked
            : Header(response, "X-Linked-Etag") is null && response.Content.Headers.ContentLength is long length ? length
            : -1;
        return sha256 is null || size < 0 ? null : new PublishedFile(size, sha256, Header(response, "X-Repo-Commit"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>The hex sha256 in an ETag-like value ("…", W/"…"), or null when it holds something else (a git sha1).</summary>
    private static string? Sha256(string? tag) =>
        tag is not null && Sha256Pattern().Match(tag) is { Success: true } match ? match.Groups[1].Value.ToLowerInvariant() : null;

    [GeneratedRegex("^(?:W/)?\"?([0-9a-fA-F]{64})\"?$")]
    private static partial Regex Sha256Pattern();
}
