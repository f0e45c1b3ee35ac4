using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

using Tomodachi.Testing;
using static Tomodachi.Gateway.Tests.KnobForwardingGateway;

namespace Tomodachi.Gateway.Tests;

/// <summary>A backend that cannot be reached, or that dies in the middle of a reply, is UNAVAILABLE to gRPC callers.</summary>
public sealed class BackendLossTests
{
    private const string KnobService = "tomodachi.knob.v1.KnobService";
    private const string WatchEventsPath = $"/{KnobService}/WatchEvents";

    private static readonly Method<byte[], byte[]> WatchEvents = new(
        MethodType.ServerStreaming, KnobService, "WatchEvents",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    [Fact]
    public async Task Unreachable_backend_answers_grpc_callers_Unavailable_naming_the_service()
    {
        using var gateway = ForwardingKnobTo("http://127.0.0.1:1");
        using var client = gateway.CreateClient();

        using var response = await client.SendAsync(GrpcRequest());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("14", response.Headers.GetValues("grpc-status").Single());
        Assert.Contains("knob", Uri.UnescapeDataString(response.Headers.GetValues("grpc-message").Single()));
    }

    [Fact]
    public async Task Backend_dying_in_the_middle_of_a_reply_ends_it_with_Unavailable_trailers()
    {
        await using var backend = await DyingBackendAsync();
        using var gateway = ForwardingKnobTo(backend.Addresses().Single());
        using var client = gateway.CreateClient();

        using var response = await client.SendAsync(GrpcRequest());
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, body.Length); // the one message the backend sent before it died
        Assert.Equal("14", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Contains("went away", Uri.UnescapeDataString(response.TrailingHeaders.GetValues("grpc-message").Single()));
    }

    [Fact]
    public async Task A_grpc_client_of_the_gateway_on_kestrel_gets_the_message_sent_and_then_Unavailable_when_the_backend_dies()
    {
        await using var backend = await DyingBackendAsync();
        using var factory = ForwardingKnobTo(backend.Addresses().Single());
        await using var gateway = factory.StartOnKestrel();

        using var call = gateway.Channel.CreateCallInvoker().AsyncServerStreamingCall(WatchEvents, null, new CallOptions(), []);
        var received = await call.ResponseStream.MoveNext();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.True(received); // the one message the backend sent before it died
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("The knob service went away in the middle of the reply", error.Status.Detail);
    }

    private static HttpRequestMessage GrpcRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, WatchEventsPath) { Content = new ByteArrayContent(new byte[5]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return request;
    }

    /// <summary>Answers one empty gRPC message, then drops the stream as a killed process would.</summary>
    private static async Task<WebApplication> DyingBackendAsync()
    {
        var app = LoopbackBackend.CreateBuilder(HttpProtocols.Http2).Build();
        app.MapPost(WatchEventsPath, async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // Long enough for the message to reach the gateway before the stream drops; the assertions do not time it.
            await Task.Delay(TimeSpan.FromMilliseconds(300), context.RequestAborted);
            context.Abort();
        });
        await app.StartAsync();
        return app;
    }
}
