using System.Net;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.IntegrationTests.Hostile;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Memory.V1;

namespace Tomodachi.IntegrationTests;

/// <summary>The configured size limits on the real ports: the gateway's gRPC and HTTP ports, and a service's own gRPC port.</summary>
[Collection(SuiteCollection.Name)]
public sealed class MessageLimitTests(SuiteFixture suite)
{
    private const int OverLimit = CaseTable.MessageLimit + 1;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static StoreRequest Oversized => new() { Memory = new NewMemory { Text = new string('x', OverLimit) } };

    [Fact]
    public async Task A_grpc_message_over_4_MiB_is_refused_by_the_gateway_with_ResourceExhausted_naming_the_setting()
    {
        using var channel = suite.CreateGatewayChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new MemoryService.MemoryServiceClient(channel).StoreAsync(Oversized, cancellationToken: Timeout).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("the gateway forwards at most 4194304 bytes (Tomodachi:Limits:MaxGrpcMessageBytes)", error.Status.Detail);
    }

    [Fact]
    public async Task An_http_body_over_4_MiB_gets_413_from_the_gateway_with_the_reason()
    {
        using var http = new HttpClient { BaseAddress = suite.GatewayHttp };

        var response = await http.PostAsync("/api/metrics", new ByteArrayContent(new byte[OverLimit]), Timeout);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"The request body is {OverLimit} bytes; the gateway accepts at most {CaseTable.MessageLimit} bytes (Tomodachi:Limits:MaxRequestBodyBytes).",
            await response.Content.ReadAsStringAsync(Timeout));
    }

    [Fact]
    public async Task A_chunked_http_body_over_4_MiB_is_cut_off_by_the_gateway_with_413()
    {
        using var http = new HttpClient { BaseAddress = suite.GatewayHttp };
        // A stream of unknown length goes out chunked: no Content-Length for the gateway to check up front.
        using var body = new StreamContent(new MemoryStream(new byte[2 * CaseTable.MessageLimit]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/metrics") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        var response = await http.SendAsync(request, Timeout);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
