using System.Buffers.Binary;
using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Tests.Infrastructure;

/// <summary>
/// A stand-in for the memory service over real gRPC framing on a real HTTP/2 socket: it answers Search with fixed
/// memories (stated by the user) followed by the stored ones whose role the search's filter admits (optionally after a
/// delay), records StoreBatch calls, and answers GetStats with <see cref="Stats"/>
/// (or UNAVAILABLE while <see cref="StatsUnavailable"/> is set); the first <see cref="SearchesRefused"/> searches get
/// UNAVAILABLE, as from a service that is just coming back; Delete of a session answers with the number of memories
/// stored for it, Delete of all with every one stored (or UNAVAILABLE while <see cref="DeletesUnavailable"/> is set). It speaks the memory contract byte
/// for byte.
/// </summary>
public sealed class FakeMemoryServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeMemoryServer(WebApplication app) => _app = app;

    public IReadOnlyList<string> Memories { get; init; } = [];
    public TimeSpan SearchDelay { get; set; }
    public ConcurrentQueue<StoreBatchRequest> Stored { get; } = new();
    public ConcurrentQueue<SearchRequest> Searches { get; } = new();
    public ConcurrentQueue<DeleteRequest> Deletes { get; } = new();
    public bool DeletesUnavailable { get; set; }
    public MemoryStats Stats { get; set; } = new();
    public bool StatsUnavailable { get; set; }
    public int SearchesRefused { get; set; }
    public int StatsCalls => Volatile.Read(ref _statsCalls);
    private int _statsCalls;
    public string Address => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<FakeMemoryServer> StartAsync(IReadOnlyList<string> memories)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The test directory holds the inference service's appsettings.json, whose Kestrel endpoints are not ours.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var server = new FakeMemoryServer(app) { Memories = memories };
        app.MapPost("/tomodachi.memory.v1.MemoryService/{method}", server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    private async Task HandleAsync(HttpContext context, string method)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var payload = body.ToArray().AsMemory(5);
        IMessage response;
        switch (method)
        {
            case "Search":
                var search = SearchRequest.Parser.ParseFrom(payload.Span);
                Searches.Enqueue(search);
                if (Searches.Count <= SearchesRefused)
                {
                    await RefuseAsync(context, "14");
                    return;
                }

                await Task.Delay(SearchDelay, context.RequestAborted);
                response = new SearchResponse
                {
                    Hits = { Recall(search.Filter).Select(m => new SearchHit { Memory = m, Score = 0.9f }) },
                };
                break;
            case "StoreBatch":
                var request = StoreBatchRequest.Parser.ParseFrom(payload.Span);
                Stored.Enqueue(request);
                response = new StoreBatchResponse { Ids = { request.Memories.Select(_ => Guid.NewGuid().ToString()) } };
                break;
            case "Delete":
                var delete = DeleteRequest.Parser.ParseFrom(payload.Span);
                if (DeletesUnavailable)
                {
                    await RefuseAsync(context, "14");
                    return;
                }

                Deletes.Enqueue(delete);
                response = new DeleteResponse
                {
                    DeletedCount = (ulong)Stored.SelectMany(b => b.Memories).Count(m => delete.All || m.SessionId == delete.SessionId),
                };
                break;
            case "GetStats":
                Interlocked.Increment(ref _statsCalls);
                if (StatsUnavailable)
                {
                    await RefuseAsync(context, "14");
                    return;
                }

                response = new GetStatsResponse { Stats = Stats };
                break;
            default:
                await RefuseAsync(context, "12");
                return;
        }

        var bytes = response.ToByteArray();
        var frame = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(frame, 5);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private IEnumerable<Tomodachi.Memory.V1.Memory> Recall(SearchFilter? filter) =>
        Memories.Select(text => new Tomodachi.Memory.V1.Memory { Text = text, Role = MemoryRole.User })
            .Concat(Stored.SelectMany(b => b.Memories).Select(m => new Tomodachi.Memory.V1.Memory { Text = m.Text, Role = m.Role, SessionId = m.SessionId }))
            .Where(m => filter is null || filter.Role == MemoryRole.Unspecified || m.Role == filter.Role);

    /// <summary>A trailers-only reply, as gRPC servers send an error raised before any message.</summary>
    private static Task RefuseAsync(HttpContext context, string status)
    {
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = status;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
