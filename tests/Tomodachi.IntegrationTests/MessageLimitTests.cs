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
    public async Task A_grpc_message_over_4_MiB_sent_to_a_service_directly_is_refused_with_ResourceExhausted()
    {
        // With the service token, so the refusal comes from the service's own size limit, not from its caller check.
        using var channel = await suite.CreateServiceChannelAsync("memory", Timeout);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new MemoryService.MemoryServiceClient(channel).StoreAsync(Oversized, cancellationToken: Timeout).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", error.Status.Detail);
    }

    [Fact]
    public async Task An_http_body_over_4_MiB_gets_413_from_the_gateway_with_the_reason()
    {
        // Like curl with a large body: announce it and wait for the answer (however long a loaded machine takes; the
        // default is to send anyway after 1 s). Otherwise the client is still writing when the gateway answers and
        // closes, and HttpClient reports the broken pipe instead of the 413.
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) })
        {
            BaseAddress = suite.GatewayHttp,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/metrics") { Content = new ByteArrayContent(new byte[OverLimit]) };
        request.Headers.ExpectContinue = true;

        var response = await http.SendAsync(request, Timeout);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"The request body is {OverLimit} bytes; the gateway accepts at most {CaseTable.MessageLimit} bytes (Tomodachi:Limits:MaxRequestBodyBytes).",
            await response.Content.ReadAsStringAsync(Timeout));
    }

    [Fact]
    public async Task A_chunked_http_body_over_4_MiB_is_cut_off_by_the_gateway_with_413()
    {
        // Chunked: no Content-Length for the gateway to check up front, so it must count while it reads.
        var status = await ChunkedUpload.PostAsync(suite.GatewayHttp, "/api/metrics", 2L * CaseTable.MessageLimit, Timeout);

        Assert.Equal((int)HttpStatusCode.RequestEntityTooLarge, status);
    }
}
