using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Tomodachi.Testing;
using static Tomodachi.Gateway.Tests.KnobForwardingGateway;

namespace Tomodachi.Gateway.Tests;

/// <summary>Forwarding that goes right leaves the log quiet, so a warning there means something.</summary>
public sealed class ForwardingLogTests
{
    private const string GetStatePath = "/tomodachi.knob.v1.KnobService/GetState";

    private static readonly Method<byte[], byte[]> GetState = new(
        MethodType.Unary, "tomodachi.knob.v1.KnobService", "GetState",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    [Fact]
    public async Task A_forwarded_grpc_call_logs_no_proxy_warning()
    {
        await using var backend = await AnsweringBackendAsync();
        using var factory = ForwardingKnobTo(backend.Addresses().Single())
            .WithWebHostBuilder(web => web.ConfigureLogging(logging => logging.AddFakeLogging()));
        await using var gateway = factory.StartOnKestrel();

        var reply = await gateway.Channel.CreateCallInvoker().AsyncUnaryCall(GetState, null, new CallOptions(), []);

        var proxyWarnings = gateway.Services.GetRequiredService<FakeLogCollector>().GetSnapshot()
            .Where(record => record.Level >= LogLevel.Warning && record.Category?.StartsWith("Yarp", StringComparison.Ordinal) == true)
            .Select(record => record.Message);
        Assert.Empty(reply);
        Assert.Empty(proxyWarnings);
    }

    /// <summary>Answers GetState with one empty message and an OK status, as the knob would.</summary>
    private static async Task<WebApplication> AnsweringBackendAsync()
    {
        var app = LoopbackBackend.CreateBuilder(HttpProtocols.Http2).Build();
        app.MapPost(GetStatePath, async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5], context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        return app;
    }
}
