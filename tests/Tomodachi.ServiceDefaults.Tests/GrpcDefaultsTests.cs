using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.ServiceDefaults.Tests;

/// <summary>The shared gRPC defaults on a real in-process gRPC server, the standard health service as the target.</summary>
public sealed class GrpcDefaultsTests : IAsyncLifetime
{
    private const int ReceiveLimit = 2048;
    private static readonly Method<byte[], byte[]> Check = new(
        MethodType.Unary, "grpc.health.v1.Health", "Check",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    private WebApplication? app;
    private GrpcChannel? channel;

    private CallInvoker Invoker => channel?.CreateCallInvoker() ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Configuration["Grpc:MaxReceiveMessageBytes"] = ReceiveLimit.ToString();
        builder.AddServiceDefaults();
        builder.AddGrpcDefaults();
        app = builder.Build();
        app.MapGrpcDefaults();
        await app.StartAsync();
        channel = GrpcChannel.ForAddress(app.GetTestServer().BaseAddress, new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
    }

    public async Task DisposeAsync()
    {
        channel?.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_well_formed_request_is_answered_normally()
    {
        var error = await CallAsync(new HealthCheckRequest { Service = "no.such.Service" }.ToByteArray());

        Assert.Equal(StatusCode.NotFound, error?.StatusCode);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "garbage", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "truncated string", [0x0A, 0x10, (byte)'a'] },
        { "invalid UTF-8 in a string field", [0x0A, 0x02, 0xC3, 0x28] },
        { "wire type that does not exist", [0x0F] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_request_that_is_not_valid_protobuf_is_rejected_with_InvalidArgument(string what, byte[] payload)
    {
        var error = await CallAsync(payload);

        Assert.True(error?.StatusCode == StatusCode.InvalidArgument, $"{what}: {error?.Status}");
        Assert.Contains("not a valid protobuf message", error!.Status.Detail);
    }

    [Fact]
    public async Task A_request_over_the_configured_receive_limit_is_rejected_with_ResourceExhausted()
    {
        var error = await CallAsync(new HealthCheckRequest { Service = new string('s', ReceiveLimit) }.ToByteArray());

        Assert.Equal(StatusCode.ResourceExhausted, error?.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", error!.Status.Detail);
    }

    private async Task<RpcException?> CallAsync(byte[] payload)
    {
        try
        {
            await Invoker.AsyncUnaryCall(Check, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), payload);
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }
}
