using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tomodachi.Models.Download;

/// <summary>
/// Fetches one file over HTTP into a <c>.part</c> file: first what the hub publishes about it (<see cref="HubMetadata"/>),
/// then its bytes, resuming with <c>Range</c> and <c>If-Range</c> after a dropped connection or a stall, up to
/// <see cref="ModelDownloadOptions.MaxAttempts"/> requests. A <c>.part</c> file left by an earlier run is resumed the same
/// way when it belongs to the same published file. Progress goes to the log (every 5 %) and to <see cref="ModelDownloadProgress"/>.
/// </summary>
public sealed class ModelDownloader(
    IHttpClientFactory httpClients,
    HubMetadata hub,
    IOptions<ModelDownloadOptions> options,
    ModelDownloadProgress progress,
    TimeProvider time,
    ILogger<ModelDownloader> logger)
{
    public const string HttpClientName = "model-downloads";
    public const string PartExtension = PartialDownload.PartExtension;
    private const int BufferSize = 1 << 16;
    private const int LogEveryPercent = 5;

    /// <summary>
    /// Downloads <paramref name="file"/> into <paramref name="path"/> + <see cref="PartExtension"/>; when it returns,
    /// that file has the published size, and the caller checks its sha256 against the published one and moves it in place.
    /// </summary>
    public async Task<PublishedFile> DownloadAsync(HuggingFaceFile file, string path, CancellationToken ct)
    {
        // Asked inside the attempts: a hub that cannot be reached fails like a broken transfer, retried and then
        // reported as a ModelDownloadException that names the file.
        PublishedFile? published = null;
        var part = new PartialDownload(path);
        var url = file.DownloadUrl(options.Value.BaseUrl);
        var maxAttempts = options.Value.MaxAttempts;
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            try
            {
                published ??= await hub.GetAsync(file, ct);
                if (await TryAttemptAsync(file, url, path, part, published, ct))
                {
                    return published;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException && e is not ModelDownloadException && !ct.IsCancellationRequested)
            {
                if (attempt == maxAttempts)
                {
                    throw new ModelDownloadException(
                        $"Downloading {file} from {url} failed {attempt} times; the last error was: {e.Message}. What arrived is kept in {part.PartPath} and the next try resumes it.", e);
                }

                logger.LogWarning("Download of {ModelSpec} interrupted ({Error}); resuming, attempt {Attempt} of {MaxAttempts}", file.ToString(), e.Message, attempt + 1, maxAttempts);
                await Task.Delay(options.Value.RetryDelay, time, ct);
            }
        }

        throw new ModelDownloadException($"Downloading {file} from {url} kept starting over and was abandoned after {maxAttempts} attempts: the server does not honour resumed requests consistently.");
    }

    /// <returns>True when the file is complete; false when the attempt should start over from scratch.</returns>
    private async Task<bool> TryAttemptAsync(HuggingFaceFile file, Uri url, string path, PartialDownload part, PublishedFile published, CancellationToken ct)
    {
        var existing = part.UsableBytes(published);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
            request.Headers.IfRange = new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(part.ETag!));
        }

        // One stall timer for the whole attempt, restarted by every read: a server that never answers is
        // abandoned as surely as one that stops sending.
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stall.CancelAfter(options.Value.StallTimeout);
        using var response = await WithStallTimeoutAsync(() => httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall.Token), ct);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                if (existing > 0)
                {
                    // If-Range did not match: the file changed upstream since the part began. Its bytes start over.
                    logger.LogWarning("The server's copy of {ModelSpec} changed since the partial download began; starting over", file.ToString());
                }

                existing = 0;
                await part.StartAsync(published, response.Headers.ETag is { IsWeak: false } etag ? etag.ToString() : null, ct);
                break;
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From == existing:
                logger.LogInformation("Resuming {ModelSpec} at byte {Bytes}", file.ToString(), existing);
                break;
            case HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable:
                // The partial file does not fit what the server has (the part is too long): start over.
                logger.LogWarning("Discarding the partial download of {ModelSpec}: the server could not continue it at byte {Bytes}", file.ToString(), existing);
                part.Discard();
                return false;
            case HttpStatusCode.NotFound:
                throw new ModelDownloadException($"{file} was not found at {url} (HTTP 404): check the owner, repository, revision and file name.", notFound: true);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw new ModelDownloadException($"{file} at {url} needs permission (HTTP {(int)response.StatusCode}): the repository is private or gated.");
            // Other client errors will not go away by asking again; 408 and 429 (timeout, rate limit) might.
            case var status when (int)status is >= 400 and < 500 and not 408 and not 429:
                throw new ModelDownloadException($"{file} could not be downloaded from {url}: HTTP {(int)status} {response.ReasonPhrase}.");
            default:
                throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await using var output = new FileStream(part.PartPath, existing > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        var received = await CopyAsync(file, path, body, output, existing, published.Size, stall, ct);
        await output.FlushAsync(ct);
        output.Flush(flushToDisk: true);

        if (received < published.Size)
        {
            throw new IOException($"the connection closed after {received} of {published.Size} bytes");
        }

        if (received > published.Size)
        {
            part.Discard();
            throw new ModelDownloadException($"The server sent {received} bytes of {file} but the hub publishes {published.Size}: the download was discarded.");
        }

        return true;
    }

    private async Task<long> CopyAsync(HuggingFaceFile file, string path, Stream body, FileStream output, long received, long total, CancellationTokenSource stall, CancellationToken ct)
    {
        var buffer = new byte[BufferSize];
        var loggedPercent = total > 0 ? (int)(100 * received / total) / LogEveryPercent * LogEveryPercent : 0;
        while (true)
        {
            stall.CancelAfter(options.Value.StallTimeout);
            var read = await WithStallTimeoutAsync(() => body.ReadAsync(buffer, stall.Token).AsTask(), ct);
            if (read == 0)
            {
                return received;
            }

            await output.WriteAsync(buffer.AsMemory(0, read), ct);
            received += read;
            progress.Report(new ModelDownloadSnapshot(file.ToString(), path, ModelDownloadPhase.Downloading, received, total, null, time.GetUtcNow()));
            if (total > 0 && (int)(100 * received / total) is var percent && percent >= loggedPercent + LogEveryPercent)
            {
                loggedPercent = percent / LogEveryPercent * LogEveryPercent;
                logger.LogInformation("Downloading {ModelSpec}: {Percent}% ({Bytes} of {TotalBytes} bytes)", file.ToString(), loggedPercent, received, total);
            }
        }
    }

    /// <summary>Turns the stall timer's cancellation into a <see cref="TimeoutException"/>, which is retried; the caller's own cancellation passes through.</summary>
    private async Task<T> WithStallTimeoutAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        try
        {
            return await operation();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no data for {options.Value.StallTimeout.TotalSeconds:0} s");
        }
    }
}
