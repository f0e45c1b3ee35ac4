using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tomodachi.ServiceDefaults.Tests;

/// <summary>A service built on the defaults, with a service token, answers only callers that hold it.</summary>
public sealed class ServiceTokenTests
{
    private const string Token = "0123456789abcdef0123456789abcdef0123";
    private const string RestPath = MinimalService.RestPath;

    [Fact]
    public async Task Rest_call_without_the_token_is_refused_with_403_and_a_readable_reason()
    {
        await using var service = await StartServiceAsync(("Tomodachi:ServiceToken", Token));
        using var http = service.GetTestClient();

        var response = await http.GetAsync(RestPath);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("through the Tomodachi gateway", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rest_call_with_a_wrong_token_is_refused_and_with_the_right_one_is_served()
    {
        await using var service = await StartServiceAsync(("Tomodachi:ServiceToken", Token));
        using var http = service.GetTestClient();

        var wrong = await http.SendAsync(WithToken(new HttpRequestMessage(HttpMethod.Get, RestPath), Token[..^1] + "X"));
        var right = await http.SendAsync(WithToken(new HttpRequestMessage(HttpMethod.Get, RestPath), Token));

        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task Grpc_call_without_the_token_gets_PermissionDenied_with_the_reason()
    {
        await using var service = await StartServiceAsync(("Tomodachi:ServiceToken", Token));
        using var channel = GrpcChannel.ForAddress(service.GetTestServer().BaseAddress,
            new GrpcChannelOptions { HttpHandler = service.GetTestServer().CreateHandler() });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("through the Tomodachi gateway", error.Status.Detail);
    }

    [Theory]
    [InlineData(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath)]
    [InlineData(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath)]
    [InlineData(Microsoft.Extensions.Hosting.Extensions.MetricsEndpointPath)]
    public async Task Probes_and_the_scrape_stay_open_without_the_token(string path)
    {
        await using var service = await StartServiceAsync(("Tomodachi:ServiceToken", Token));
        using var http = service.GetTestClient();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_service_client_carries_the_token_so_calls_between_services_pass()
    {
        await using var service = await StartServiceAsync(("Tomodachi:ServiceToken", Token));
        var caller = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        caller.Configuration["Tomodachi:ServiceToken"] = Token;
        caller.Configuration["Services:backend:grpc:0"] = service.GetTestServer().BaseAddress.ToString();
        caller.AddServiceDefaults();
        caller.Services.AddGrpcServiceClient<Health.HealthClient>("backend")
            .ConfigurePrimaryHttpMessageHandler(() => service.GetTestServer().CreateHandler());
        using var host = caller.Build();

        var reply = await host.Services.GetRequiredService<Health.HealthClient>().CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Without_a_token_a_loopback_service_answers_everyone()
    {
        await using var service = await StartServiceAsync(("Kestrel:Endpoints:http:Url", "http://127.0.0.1:5299"));
        using var http = service.GetTestClient();

        var response = await http.GetAsync(RestPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5211")]
    [InlineData("http://*:5211")]
    [InlineData("http://192.168.1.20:5211")]
    public async Task A_service_bound_beyond_loopback_without_a_token_refuses_to_start(string url)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartServiceAsync(("Kestrel:Endpoints:http:Url", url)));

        Assert.Contains("Tomodachi:ServiceToken", error.Message);
        Assert.Contains(url, error.Message);
    }

    [Fact]
    public async Task A_token_shorter_than_32_characters_is_rejected_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartServiceAsync(("Tomodachi:ServiceToken", "too-short")));

        Assert.Contains("at least 32 characters", error.Message);
    }

    [Fact]
    public async Task The_front_door_does_not_ask_its_callers_for_the_token()
    {
        await using var gateway = await StartServiceAsync(frontDoor: true, ("Tomodachi:ServiceToken", Token), ("Kestrel:Endpoints:http:Url", "http://0.0.0.0:5173"));
        using var http = gateway.GetTestClient();

        var response = await http.GetAsync(RestPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage WithToken(HttpRequestMessage request, string token)
    {
        request.Headers.Add(ServiceTokenOptions.HeaderName, token);
        return request;
    }

    private static Task<WebApplication> StartServiceAsync(params (string Key, string Value)[] settings) =>
        MinimalService.StartAsync(frontDoor: false, settings);

    private static Task<WebApplication> StartServiceAsync(bool frontDoor, params (string Key, string Value)[] settings) =>
        MinimalService.StartAsync(frontDoor, settings);
}
