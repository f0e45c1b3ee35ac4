using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Memory.V1;

namespace Tomodachi.IntegrationTests;

/// <summary>Under the AppHost the services answer the gateway and each other, not a caller on their own ports.</summary>
[Collection(SuiteCollection.Name)]
public sealed class ServiceTokenTests(SuiteFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task A_direct_grpc_call_to_a_service_is_PermissionDenied_and_the_same_call_through_the_gateway_works()
    {
        using var direct = GrpcChannel.ForAddress(suite.App.GetEndpoint("memory", "grpc"));
        using var gateway = suite.CreateGatewayChannel();

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new MemoryService.MemoryServiceClient(direct).GetStatsAsync(new GetStatsRequest(), cancellationToken: Timeout).ResponseAsync);
        var answered = await new MemoryService.MemoryServiceClient(gateway).GetStatsAsync(new GetStatsRequest(), cancellationToken: Timeout);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("gateway", refused.Status.Detail);
        Assert.False(string.IsNullOrEmpty(answered.Stats.Backend));
    }

    [Theory]
    [InlineData("knob")]
    [InlineData("inference")]
    public async Task Every_service_refuses_direct_grpc_calls(string service)
    {
        using var direct = GrpcChannel.ForAddress(suite.App.GetEndpoint(service, "grpc"));

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new Grpc.Health.V1.Health.HealthClient(direct).CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: Timeout).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task A_direct_rest_call_is_403_while_the_gateway_route_and_the_scrape_stay_served()
    {
        using var direct = suite.CreateHttpClient("memory");
        using var gateway = new HttpClient { BaseAddress = suite.GatewayHttp };

        var refused = await direct.GetAsync("/api/metrics", Timeout);
        var answered = await gateway.GetAsync("/api/metrics", Timeout);
        var scraped = await direct.GetAsync("/metrics", Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
    }

    [Fact]
    public async Task The_web_server_answers_browsers_only_through_the_gateway()
    {
        using var direct = suite.CreateHttpClient("web");
        using var gateway = new HttpClient { BaseAddress = suite.GatewayHttp };

        var refused = await direct.GetAsync("/", Timeout);
        var page = await gateway.GetAsync("/", Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
