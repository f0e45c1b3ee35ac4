using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Tomodachi.Gateway.Connect;

/// <summary>
/// The proxy completes the response as soon as it has copied the gRPC trailers; a Connect stream still owes
/// its end-of-stream message, so completion waits for the middleware.
/// </summary>
public sealed class DeferredCompletion(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    public Stream Stream => inner.Stream;

    public PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.Writer.FlushAsync().AsTask();
}
