using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.Gateway.Tests;

/// <summary>
/// A backend on the service defaults with a service token, on loopback ports the system assigns: it refuses direct
/// calls, and the gateway's proxied REST and its own gRPC health calls reach it because the gateway stamps the token
/// on them.
/// </summary>
public sealed class ServiceTokenForwardingTests : IAsyncLifetime
{
    private const string Token = "fedcba9876543210fedcba9876543210fedc";
    private const string MemoryRest = "/api/metrics";

    private WebApplication? backend;
    private WebApplicationFactory<Program>? gateway;

    private WebApplication Backend => backend ?? throw new InvalidOperationException("not started");

    private WebApplicationFactory<Program> Gateway => gateway ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var builder = LoopbackBackend.CreateBuilder(HttpProtocols.Http1, HttpProtocols.Http2);
        builder.Configuration["Tomodachi:ServiceToken"] = Token;
        builder.AddServiceDefaults();
        builder.AddGrpcDefaults();
        backend = builder.Build();
        backend.MapDefaultEndpoints();
        backend.MapGrpcDefaults();
        backend.MapGet(MemoryRest, () => Results.Json(new { count = 3 }));
        await backend.StartAsync();

        var addresses = backend.Addresses();
        gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Tomodachi:ServiceToken", Token);
            web.UseSetting("Services:memory:http:0", addresses[0]);
            web.UseSetting("Services:memory:grpc:0", addresses[1]);
        });
    }

    public async Task DisposeAsync()
    {
        gateway?.Dispose();
        if (backend is not null)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_direct_rest_call_is_refused_and_the_same_call_through_the_gateway_is_answered()
    {
        using var direct = new HttpClient { BaseAddress = new Uri(BackendAddress(0)) };
        using var throughGateway = Gateway.CreateClient();

        var refused = await direct.GetAsync(MemoryRest);
        var answered = await throughGateway.GetAsync(MemoryRest);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("\"count\":3", await answered.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_caller_cannot_smuggle_its_own_token_value_through_the_gateway()
    {
        using var throughGateway = Gateway.CreateClient();
        throughGateway.DefaultRequestHeaders.Add(ServiceTokenOptions.HeaderName, "guess");

        var answered = await throughGateway.GetAsync(MemoryRest);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task The_gateways_health_check_of_a_backend_carries_the_token()
    {
        using var channel = GrpcChannel.ForAddress(Gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Gateway.Server.CreateHandler() });

        var reply = await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "tomodachi.memory.v1.MemoryService" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    private string BackendAddress(int index) => Backend.Addresses()[index];
}
