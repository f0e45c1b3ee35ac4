using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.Gateway.Tests;

/// <summary>
/// The gateway's doors with a backend on the service defaults behind it: foreign Host names and other sites' pages
/// are refused before anything is forwarded, the page's own calls reach the backend, and exports need the page's
/// session or the API key.
/// </summary>
public sealed class GatewayDoorTests : IAsyncLifetime
{
    private const string Key = "correct-horse-battery-staple";
    private const string Export = "/export/turns.csv";

    private readonly ConcurrentQueue<(string Path, string? Origin)> _received = new();
    private WebApplication? _backend;

    private IReadOnlyList<string> BackendAddresses => (_backend ?? throw new InvalidOperationException("not started")).Addresses();

    public async Task InitializeAsync()
    {
        var builder = LoopbackBackend.CreateBuilder(HttpProtocols.Http1);
        builder.AddServiceDefaults();
        _backend = builder.Build();
        _backend.MapDefaultEndpoints();
        _backend.Use((context, next) =>
        {
            _received.Enqueue((context.Request.Path, context.Request.Headers.Origin.FirstOrDefault()));
            return next(context);
        });
        _backend.MapGet("/", () => Results.Content("<html>Campground</html>", "text/html"));
        _backend.MapGet(Export, () => Results.Text("turn_id\n1\n", "text/csv"));
        _backend.MapPost("/_blazor/negotiate", () => Results.Json(new { negotiated = true }));
        await _backend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    private WebApplicationFactory<Program> Gateway(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Services:web:http:0", BackendAddresses[0]);
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", Export)]
    [InlineData("GET", "/api/tuning/dataset.jsonl")]
    [InlineData("GET", "/api/metrics")]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", "/_blazor?id=abc")]
    [InlineData("POST", "/tomodachi.inference.v1.InferenceService/UnloadModel")]
    public async Task A_foreign_host_is_refused_with_421_on_every_route_family_and_nothing_is_forwarded(string method, string path)
    {
        using var factory = Gateway();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new ByteArrayContent([]) : null };
        request.Headers.Host = "attacker.example:5173";

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Contains("Gateway:AllowedHosts", await response.Content.ReadAsStringAsync());
        Assert.Empty(_received);
    }

    [Fact]
    public async Task A_grpc_call_under_a_foreign_host_is_PermissionDenied()
    {
        using var factory = Gateway();
        using var channel = GrpcChannel.ForAddress("http://attacker.example:5174", new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "tomodachi.inference.v1.InferenceService" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Theory]
    [InlineData("application/proto")]
    [InlineData("application/grpc-web+proto")]
    [InlineData("application/json")]
    public async Task A_post_from_another_sites_page_is_refused_with_403_and_nothing_is_forwarded(string contentType)
    {
        using var factory = Gateway();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tomodachi.inference.v1.InferenceService/UnloadModel")
        {
            Content = new ByteArrayContent([]) { Headers = { { "Content-Type", contentType } } },
        };
        request.Headers.Add("Origin", "http://attacker.example");

        var response = await client.SendAsync(request);

        // A gRPC-web caller reads the refusal as a gRPC status, in a trailers-only reply.
        var (status, reason) = contentType.StartsWith("application/grpc", StringComparison.Ordinal)
            ? (response.Headers.GetValues("grpc-status").Single(), Uri.UnescapeDataString(response.Headers.GetValues("grpc-message").Single()))
            : (((int)response.StatusCode).ToString(), await response.Content.ReadAsStringAsync());
        Assert.Equal(contentType.StartsWith("application/grpc", StringComparison.Ordinal) ? "7" : "403", status);
        Assert.Contains("Gateway:AllowedOrigins", reason);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task The_pages_own_post_is_forwarded_and_the_checked_origin_stays_at_the_gateway()
    {
        using var factory = Gateway();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate");
        request.Headers.Add("Origin", factory.Server.BaseAddress.GetLeftPart(UriPartial.Authority));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_received, r => r.Path == "/_blazor/negotiate" && r.Origin is null);
    }

    [Fact]
    public async Task An_export_needs_the_session_cookie_that_the_page_load_grants()
    {
        using var factory = Gateway();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var refused = await client.GetAsync(Export);
        using var pageLoad = new HttpRequestMessage(HttpMethod.Get, "/");
        pageLoad.Headers.Accept.ParseAdd("text/html");
        var page = await client.SendAsync(pageLoad);
        var cookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, Export);
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        var exported = await client.SendAsync(withCookie);
        using var forged = new HttpRequestMessage(HttpMethod.Get, Export);
        forged.Headers.Add("Cookie", "tomodachi_session=00");
        var guessed = await client.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Tomodachi page", await refused.Content.ReadAsStringAsync());
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.Equal("turn_id\n1\n", await exported.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, guessed.StatusCode);
        Assert.Single(_received, r => r.Path == Export);
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + Key, HttpStatusCode.OK)]
    [InlineData("x-api-key", Key, HttpStatusCode.OK)]
    [InlineData("Authorization", "Bearer not-the-key-at-all", HttpStatusCode.Unauthorized)]
    public async Task With_an_api_key_an_export_takes_the_key(string header, string value, HttpStatusCode expected)
    {
        using var factory = Gateway(("Tomodachi:ApiKey", Key));
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Export);
        request.Headers.TryAddWithoutValidation(header, value);

        var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_public_name_and_browser_tool_are_let_in()
    {
        using var factory = Gateway(("Gateway:AllowedHosts", "tomodachi.lan:5173"), ("Gateway:AllowedOrigins", "http://localhost:3000"));
        using var client = factory.CreateClient();
        using var byName = new HttpRequestMessage(HttpMethod.Get, "/");
        byName.Headers.Host = "tomodachi.lan:5173";
        using var fromTool = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate");
        fromTool.Headers.Add("Origin", "http://localhost:3000");

        var page = await client.SendAsync(byName);
        var tool = await client.SendAsync(fromTool);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tool.StatusCode);
    }
}
