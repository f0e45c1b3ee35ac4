using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tomodachi.Inference.Tests.Download;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0) laid out like the Hugging Face Hub. It serves one model file
/// with Range support, can drop the connection part-way through its first responses, and records each request's
/// Range header.
/// </summary>
internal sealed class ModelFileServer : IAsyncDisposable
{
    public const string Spec = "hf:tomodachi-test/tiny-model/tiny.Q8_0.gguf";
    public const string FilePath = "/tomodachi-test/tiny-model/resolve/main/tiny.Q8_0.gguf";

    private readonly WebApplication app;
    private int connectionsToDrop;

    private ModelFileServer(WebApplication app, byte[] content)
    {
        this.app = app;
        Content = content;
    }

    public byte[] Content { get; }

    /// <summary>The Range header of every request for the file, in order ("" when there was none).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri BaseUrl => new(app.Urls.Single());

    /// <summary>The next <paramref name="count"/> responses send <paramref name="bytes"/> bytes of the file, then drop the connection.</summary>
    public void DropConnections(int count, int bytes)
    {
        DropAfterBytes = bytes;
        Volatile.Write(ref connectionsToDrop, count);
    }

    /// <summary>The next <paramref name="count"/> responses send <paramref name="bytes"/> bytes, then go silent until the client leaves.</summary>
    public void StallConnections(int count, int bytes)
    {
        Stall = true;
        DropConnections(count, bytes);
    }

    private int DropAfterBytes { get; set; }

    private bool Stall { get; set; }

    public static async Task<ModelFileServer> StartAsync(int size = 3 * 1024 * 1024 + 123)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The test output holds the Inference service's appsettings.json, whose fixed Kestrel endpoints are not ours.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var content = new byte[size];
        new Random(42).NextBytes(content);
        var server = new ModelFileServer(builder.Build(), content);
        server.app.MapGet("/{**path}", (Delegate)server.ServeAsync);
        await server.app.StartAsync();
        return server;
    }

    private async Task<IResult> ServeAsync(HttpContext context)
    {
        if (context.Request.Path != FilePath)
        {
            return Results.NotFound();
        }

        Requests.Enqueue(context.Request.Headers.Range.ToString());
        if (Interlocked.Decrement(ref connectionsToDrop) >= 0)
        {
            // Honour "bytes=N-" like the real server would, then stop part-way.
            var start = context.Request.Headers.Range.ToString() is ['b', 'y', 't', 'e', 's', '=', .. var range] ? int.Parse(range.TrimEnd('-')) : 0;
            if (start > 0)
            {
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = $"bytes {start}-{Content.Length - 1}/{Content.Length}";
            }

            context.Response.ContentLength = Content.Length - start;
            await context.Response.Body.WriteAsync(Content.AsMemory(start, DropAfterBytes));
            await context.Response.Body.FlushAsync();
            if (Stall)
            {
                await WaitUntilClientLeavesAsync(context.RequestAborted);
            }

            context.Abort();
            return Results.Empty;
        }

        return Results.File(Content, "application/octet-stream", enableRangeProcessing: true);
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
