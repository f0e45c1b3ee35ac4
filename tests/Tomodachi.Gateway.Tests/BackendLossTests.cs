using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Tomodachi.Gateway.Tests;

/// <summary>A backend that cannot be reached, or that dies in the middle of a reply, is UNAVAILABLE to gRPC callers.</summary>
public sealed class BackendLossTests
{
    private const string WatchEvents = "/tomodachi.knob.v1.KnobService/WatchEvents";

    [Fact]
    public async Task Unreachable_backend_answers_grpc_callers_Unavailable_naming_the_service()
    {
        using var gateway = Gateway(knobGrpc: "http://127.0.0.1:1");
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
        using var gateway = Gateway(knobGrpc: backend.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        using var client = gateway.CreateClient();

        using var response = await client.SendAsync(GrpcRequest());
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, body.Length); // the one message the backend sent before it died
        Assert.Equal("14", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Contains("went away", Uri.UnescapeDataString(response.TrailingHeaders.GetValues("grpc-message").Single()));
    }

    private static WebApplicationFactory<Program> Gateway(string knobGrpc) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.UseSetting("Services:knob:grpc:0", knobGrpc));

    private static HttpRequestMessage GrpcRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, WatchEvents) { Content = new ByteArrayContent(new byte[5]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return request;
    }

    /// <summary>Answers one empty gRPC message, then drops the stream as a killed process would.</summary>
    private static async Task<WebApplication> DyingBackendAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapPost(WatchEvents, async context =>
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
