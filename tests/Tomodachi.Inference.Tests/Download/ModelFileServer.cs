using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Tomodachi.Inference.Tests.Download;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0) that behaves like the Hugging Face Hub for one file: its resolve
/// URL (for "main" or the current commit) answers a redirect to the file's storage that carries what the hub
/// publishes — X-Linked-Size, X-Linked-Etag (the sha256), X-Repo-Commit — and the storage serves the bytes with an
/// ETag, Range and If-Range. It can drop or stall its first responses part-way, change the file, or announce a
/// sha256 that is not the file's, and records each byte request's Range and If-Range headers.
/// </summary>
internal sealed class ModelFileServer : IAsyncDisposable
{
    public const string Spec = "hf:tomodachi-test/tiny-model/tiny.Q8_0.gguf";
    private const string ResolvePrefix = "/tomodachi-test/tiny-model/resolve/";
    private const string FileName = "tiny.Q8_0.gguf";

    private readonly WebApplication app;
    private int connectionsToDrop;
    private string? announcedSha256;

    private ModelFileServer(WebApplication app, byte[] content)
    {
        this.app = app;
        Content = content;
    }

    public byte[] Content { get; private set; }

    /// <summary>The commit "main" points at: it changes whenever the file does.</summary>
    public string Commit => Convert.ToHexStringLower(SHA1.HashData(Content));

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));

    /// <summary>The Range header of every request for the file's bytes, in order ("" when there was none).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The If-Range header of every request for the file's bytes, in order ("" when there was none).</summary>
    public ConcurrentQueue<string> IfRanges { get; } = new();

    /// <summary>HEAD requests to the resolve URL, where a client learns the size, hash and commit.</summary>
    public int MetadataRequests => metadataRequests;

    private int metadataRequests;

    public Uri BaseUrl => new(app.Urls.Single());

    /// <summary>
    /// The next <paramref name="count"/> responses send <paramref name="bytes"/> bytes of the file, then drop the
    /// connection; with <paramref name="thenReplaceWith"/>, a new version of the file is pushed right after.
    /// </summary>
    public void DropConnections(int count, int bytes, byte[]? thenReplaceWith = null)
    {
        DropAfterBytes = bytes;
        replacement = thenReplaceWith;
        Volatile.Write(ref connectionsToDrop, count);
    }

    private byte[]? replacement;

    /// <summary>The next <paramref name="count"/> responses send <paramref name="bytes"/> bytes, then go silent until the client leaves.</summary>
    public void StallConnections(int count, int bytes)
    {
        Stall = true;
        DropConnections(count, bytes);
    }

    /// <summary>A new version of the file is pushed: new bytes, new sha256, new commit, new ETag.</summary>
    public void Replace(byte[] content) => Content = content;

    /// <summary>The hub announces this sha256 instead of the file's own (a hub and a storage that disagree).</summary>
    public void AnnounceSha256(string sha256) => announcedSha256 = sha256;

    private int DropAfterBytes { get; set; }

    private bool Stall { get; set; }

    public static byte[] RandomContent(int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        return content;
    }

    /// <summary>Serves <paramref name="content"/>, or <paramref name="size"/> random bytes.</summary>
    public static async Task<ModelFileServer> StartAsync(int size = 3 * 1024 * 1024 + 123, byte[]? content = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The test output holds the Inference service's appsettings.json, whose fixed Kestrel endpoints are not ours.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new ModelFileServer(builder.Build(), content ?? RandomContent(size, 42));
        server.app.MapMethods(ResolvePrefix + "{revision}/{**file}", ["GET", "HEAD"], (Delegate)server.Resolve);
        server.app.MapGet("/storage/{sha256}", (Delegate)server.ServeAsync);
        await server.app.StartAsync();
        return server;
    }

    private IResult Resolve(HttpContext context, string revision, string file)
    {
        if (HttpMethods.IsHead(context.Request.Method))
        {
            Interlocked.Increment(ref metadataRequests);
        }

        if (file != FileName || (revision != "main" && revision != Commit))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers["X-Linked-Size"] = Content.Length.ToString();
        headers["X-Linked-Etag"] = $"\"{announcedSha256 ?? Sha256}\"";
        headers["X-Repo-Commit"] = Commit;
        return Results.Redirect($"{BaseUrl.AbsoluteUri.TrimEnd('/')}/storage/{Sha256}");
    }

    private async Task<IResult> ServeAsync(HttpContext context, string sha256)
    {
        var content = Content;
        if (sha256 != Sha256)
        {
            return Results.NotFound();
        }

        Requests.Enqueue(context.Request.Headers.Range.ToString());
        IfRanges.Enqueue(context.Request.Headers.IfRange.ToString());
        var etag = new EntityTagHeaderValue($"\"{sha256}\"");
        if (Interlocked.Decrement(ref connectionsToDrop) >= 0)
        {
            // Honour "bytes=N-" like the real server would, then stop part-way.
            var start = context.Request.Headers.Range.ToString() is ['b', 'y', 't', 'e', 's', '=', .. var range] ? int.Parse(range.TrimEnd('-')) : 0;
            if (start > 0)
            {
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = $"bytes {start}-{content.Length - 1}/{content.Length}";
            }

            context.Response.Headers.ETag = etag.ToString();
            context.Response.ContentLength = content.Length - start;
            await context.Response.Body.WriteAsync(content.AsMemory(start, DropAfterBytes));
            await context.Response.Body.FlushAsync();
            if (Stall)
            {
                await WaitUntilClientLeavesAsync(context.RequestAborted);
            }

            context.Abort();
            if (Interlocked.Exchange(ref replacement, null) is { } newer)
            {
                Replace(newer);
            }

            return Results.Empty;
        }

        return Results.File(content, "application/octet-stream", entityTag: etag, enableRangeProcessing: true);
    }

    private static async Task WaitUntilClientLeavesAsync(CancellationToken aborted)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up on the silent response, which is what the stall is for.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
