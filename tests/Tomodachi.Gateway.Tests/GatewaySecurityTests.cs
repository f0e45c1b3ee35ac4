using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Tomodachi.Gateway.Tests;

public sealed class GatewaySecurityTests
{
    private const string Key = "correct-horse-battery-staple";

    private static WebApplicationFactory<Program> Gateway(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    [Theory]
    [InlineData("http://0.0.0.0:5173")]
    [InlineData("http://*:5173")]
    [InlineData("http://192.168.1.20:5173")]
    public void Gateway_bound_beyond_loopback_without_api_key_refuses_to_start(string url)
    {
        using var factory = Gateway(("Kestrel:Endpoints:http:Url", url));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Tomodachi:ApiKey", error.Message);
        Assert.Contains(url, error.Message);
    }

    [Fact]
    public void Api_key_shorter_than_16_characters_is_rejected_at_start()
    {
        using var factory = Gateway(("Tomodachi:ApiKey", "short"));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("at least 16 characters", error.Message);
    }

    [Fact]
    public async Task Loopback_gateway_without_api_key_serves_metrics_openly()
    {
        using var factory = Gateway();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_api_key_requests_without_it_get_401_but_health_stays_open()
    {
        using var factory = Gateway(("Kestrel:Endpoints:http:Url", "http://0.0.0.0:5173"), ("Tomodachi:ApiKey", Key));
        using var client = factory.CreateClient();

        var metrics = await client.GetAsync("/metrics");
        var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Contains("x-api-key", await metrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Theory]
    [InlineData("x-api-key", Key)]
    [InlineData("Authorization", "Bearer " + Key)]
    public async Task With_api_key_the_right_header_is_let_through(string header, string value)
    {
        using var factory = Gateway(("Tomodachi:ApiKey", Key));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(header, value);

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_api_key_a_browser_is_sent_to_login_and_the_login_cookie_lets_it_in()
    {
        using var factory = Gateway(("Tomodachi:ApiKey", Key));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var page = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        page.Headers.Accept.ParseAdd("text/html");

        var redirect = await client.SendAsync(page);
        var wrong = await client.PostAsync("/login", new FormUrlEncodedContent([new("key", "not-the-key-at-all")]));
        var login = await client.PostAsync("/login", new FormUrlEncodedContent([new("key", Key)]));
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        using var after = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        after.Headers.Add("Cookie", cookie.Split(';')[0]);
        var allowed = await client.SendAsync(after);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/login", redirect.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain(Key, cookie);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task With_api_key_a_grpc_call_without_it_is_Unauthenticated_and_with_it_succeeds()
    {
        using var factory = Gateway(("Tomodachi:ApiKey", Key));
        using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        var health = new Grpc.Health.V1.Health.HealthClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest()).ResponseAsync);
        var reply = await health.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, new Metadata { { "x-api-key", Key } })
            .ResponseAsync.ContinueWith(t => t.Exception?.InnerException as RpcException);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("API key", error.Status.Detail);
        Assert.Equal(StatusCode.NotFound, reply?.StatusCode);
    }
}
