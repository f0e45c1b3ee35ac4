using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Tomodachi.Gateway.Tests;

public sealed class GatewayLimitsTests
{
    private const int Limit = 2048;

    private static readonly Method<byte[], byte[]> Store = new(
        MethodType.Unary, "tomodachi.memory.v1.MemoryService", "Store",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    private static WebApplicationFactory<Program> Gateway(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Tomodachi:Limits:MaxGrpcMessageBytes", Limit.ToString());
            builder.UseSetting("Tomodachi:Limits:MaxRequestBodyBytes", Limit.ToString());
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    private static GrpcChannel Channel(WebApplicationFactory<Program> factory) =>
        GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });

    [Fact]
    public async Task A_grpc_message_over_the_limit_is_refused_with_ResourceExhausted_before_it_reaches_a_backend()
    {
        using var factory = Gateway();
        using var channel = Channel(factory);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CreateCallInvoker().AsyncUnaryCall(Store, null, new CallOptions(), new byte[Limit + 1]).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal($"The request message is {Limit + 1} bytes; the gateway forwards at most {Limit} bytes (Tomodachi:Limits:MaxGrpcMessageBytes).", error.Status.Detail);
    }

    [Fact]
    public async Task A_grpc_message_within_the_limit_is_answered_normally()
    {
        using var factory = Gateway();
        using var channel = Channel(factory);
        var request = new HealthCheckRequest { Service = new string('s', Limit - 16) };

        var error = await Assert.ThrowsAsync<RpcException>(() => new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.True(request.CalculateSize() <= Limit);
    }

    [Fact]
    public async Task A_grpc_message_within_the_limit_reaches_the_backend_whole()
    {
        await using var backend = await EchoBackendAsync();
        using var factory = Gateway(("Services:memory:grpc:0", backend.Addresses().Single()));
        using var channel = Channel(factory);
        var message = Enumerable.Range(0, Limit).Select(i => (byte)i).ToArray();

        var echoed = await channel.CreateCallInvoker().AsyncUnaryCall(Store, null, new CallOptions(), message).ResponseAsync;

        Assert.Equal(message, echoed);
    }

    [Fact]
    public async Task An_http_body_over_the_limit_gets_413_with_the_reason()
    {
        using var factory = Gateway();
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/login", new ByteArrayContent(new byte[Limit + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"The request body is {Limit + 1} bytes; the gateway accepts at most {Limit} bytes (Tomodachi:Limits:MaxRequestBodyBytes).",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void A_limit_below_1_KiB_stops_the_gateway_at_start_naming_the_setting()
    {
        using var factory = Gateway(("Tomodachi:Limits:MaxGrpcMessageBytes", "10"));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("MaxGrpcMessageBytes", error.Message);
    }

    /// <summary>Answers a gRPC call with the very bytes it received: the request message, length prefix and all.</summary>
    private static async Task<WebApplication> EchoBackendAsync()
    {
        var app = LoopbackBackend.CreateBuilder(HttpProtocols.Http2).Build();
        app.MapPost($"/{Store.ServiceName}/{Store.Name}", async context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "0");
            await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }
}
