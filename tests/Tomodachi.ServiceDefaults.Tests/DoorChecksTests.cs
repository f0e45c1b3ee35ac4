using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tomodachi.ServiceDefaults.Tests;

/// <summary>Every process on the defaults refuses foreign Host names and other sites' pages before anything else runs.</summary>
public sealed class DoorChecksTests
{
    private const string RestPath = MinimalService.RestPath;

    [Theory]
    [InlineData("localhost:5201")]
    [InlineData("127.0.0.1:5173")]
    [InlineData("[::1]:5174")]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:80")]
    public async Task Loopback_names_are_answered(string host)
    {
        await using var service = await StartAsync();

        var response = await SendAsync(service, HttpMethod.Get, RestPath, host);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("attacker.example:5173")]
    [InlineData("attacker.example")]
    [InlineData("127.0.0.1.nip.io:5173")]
    [InlineData("localhost.attacker.example")]
    [InlineData("192.168.1.20:5173")]
    public async Task A_foreign_host_is_refused_with_421_before_routing(string host)
    {
        await using var service = await StartAsync();

        var rest = await SendAsync(service, HttpMethod.Get, RestPath, host);
        var health = await SendAsync(service, HttpMethod.Get, "/health", host);
        var unknown = await SendAsync(service, HttpMethod.Get, "/no/such/route", host);

        Assert.All([rest, health, unknown], r => Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode));
        var reason = await rest.Content.ReadAsStringAsync();
        Assert.Contains(host, reason);
        Assert.Contains("Tomodachi:AllowedHosts", reason);
    }

    [Fact]
    public async Task A_grpc_call_under_a_foreign_host_gets_PermissionDenied_with_the_reason()
    {
        await using var service = await StartAsync();
        using var channel = GrpcChannel.ForAddress("http://attacker.example:5202",
            new GrpcChannelOptions { HttpHandler = service.GetTestServer().CreateHandler() });

        var error = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("attacker.example:5202", error.Status.Detail);
    }

    [Theory]
    [InlineData("tomodachi.lan", "tomodachi.lan:5173", true)]
    [InlineData("tomodachi.lan:5173", "tomodachi.lan:5173", true)]
    [InlineData("tomodachi.lan:5173", "tomodachi.lan:8080", false)]
    [InlineData("tomodachi.lan:80", "tomodachi.lan", true)]
    [InlineData("host.docker.internal; tomodachi.lan", "host.docker.internal:5174", true)]
    [InlineData("*", "anything.example:1", true)]
    public async Task Configured_names_are_answered_with_their_port(string allowed, string host, bool answered)
    {
        await using var service = await StartAsync(("Tomodachi:AllowedHosts", allowed));

        var response = await SendAsync(service, HttpMethod.Get, RestPath, host);

        Assert.Equal(answered ? HttpStatusCode.OK : HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_name_a_listen_url_gives_is_answered()
    {
        await using var service = await StartAsync(
            ("Kestrel:Endpoints:http:Url", "http://192.168.1.20:5211"), ("Tomodachi:ServiceToken", new string('t', 32)));

        var named = await SendAsync(service, HttpMethod.Get, "/health", "192.168.1.20:5211");
        var other = await SendAsync(service, HttpMethod.Get, "/health", "192.168.1.21:5211");

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, other.StatusCode);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task A_request_from_another_sites_page_is_refused_with_403_whatever_its_method(string method)
    {
        await using var service = await StartAsync();

        var response = await SendAsync(service, new HttpMethod(method), RestPath, "localhost:5173", "http://attacker.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Tomodachi:AllowedOrigins", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("http://localhost:8080")]
    [InlineData("http://127.0.0.1:5173")]
    [InlineData("https://localhost:5173")]
    [InlineData("null")]
    public async Task A_page_of_another_local_origin_is_refused_too(string origin)
    {
        await using var service = await StartAsync();

        var response = await SendAsync(service, HttpMethod.Post, RestPath, "localhost:5173", origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("localhost:5173", "http://localhost:5173")]
    [InlineData("localhost", "http://localhost:80")]
    [InlineData("[::1]:5173", "http://[::1]:5173")]
    public async Task The_servers_own_page_and_requests_without_an_origin_pass(string host, string origin)
    {
        await using var service = await StartAsync();

        var own = await SendAsync(service, HttpMethod.Post, RestPath, host, origin);
        var script = await SendAsync(service, HttpMethod.Post, RestPath, host);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Theory]
    [InlineData("http://localhost:3000", "http://localhost:3000", true)]
    [InlineData("http://localhost:3000/", "http://localhost:3000", true)]
    [InlineData("chrome-extension://abcdef", "chrome-extension://abcdef", true)]
    [InlineData("http://localhost:3000", "http://localhost:3001", false)]
    [InlineData("*", "http://attacker.example", true)]
    public async Task Configured_origins_are_let_in(string allowed, string origin, bool answered)
    {
        await using var service = await StartAsync(("Tomodachi:AllowedOrigins", allowed));

        var response = await SendAsync(service, HttpMethod.Post, RestPath, "localhost:5173", origin);

        Assert.Equal(answered ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_front_door_reads_the_Gateway_section_and_names_it()
    {
        await using var gateway = await StartAsync(frontDoor: true, ("Gateway:AllowedHosts", "tomodachi.lan"), ("Tomodachi:AllowedHosts", "other.lan"));

        var named = await SendAsync(gateway, HttpMethod.Get, RestPath, "tomodachi.lan:5173");
        var other = await SendAsync(gateway, HttpMethod.Get, RestPath, "other.lan:5173");

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, other.StatusCode);
        Assert.Contains("Gateway:AllowedHosts", await other.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Tomodachi:AllowedHosts", "http://tomodachi.lan", "AllowedHosts: 'http://tomodachi.lan'")]
    [InlineData("Tomodachi:AllowedHosts", "tomodachi.lan:99999", "AllowedHosts: 'tomodachi.lan:99999'")]
    [InlineData("Tomodachi:AllowedOrigins", "localhost:3000", "AllowedOrigins: 'localhost:3000'")]
    [InlineData("Tomodachi:AllowedOrigins", "http://localhost:3000/app", "AllowedOrigins: 'http://localhost:3000/app'")]
    public async Task A_malformed_entry_stops_the_start_naming_it(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync((key, value)));

        Assert.Contains(expected, error.Message);
    }

    private static async Task<HttpResponseMessage> SendAsync(WebApplication service, HttpMethod method, string path, string host, string? origin = null)
    {
        using var http = service.GetTestClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    private static Task<WebApplication> StartAsync(params (string Key, string Value)[] settings) => MinimalService.StartAsync(frontDoor: false, settings);

    private static Task<WebApplication> StartAsync(bool frontDoor, params (string Key, string Value)[] settings) => MinimalService.StartAsync(frontDoor, settings);
}
