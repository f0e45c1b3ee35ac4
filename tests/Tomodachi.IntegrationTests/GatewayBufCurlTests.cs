using Tomodachi.IntegrationTests.Infrastructure;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// `buf curl` speaks the Connect protocol unless told otherwise; the gateway accepts both Connect and gRPC.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class GatewayBufCurlTests(SuiteFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Theory]
    [InlineData("connect")]
    [InlineData("grpc")]
    public async Task Buf_curl_lists_the_methods_of_all_three_services(string protocol)
    {
        var (exitCode, stdout, stderr) = await BufCli.CurlAsync(["--protocol", protocol, "--list-methods", suite.GatewayGrpc.ToString()], Timeout);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("tomodachi.inference.v1.InferenceService/Chat", stdout);
        Assert.Contains("tomodachi.memory.v1.MemoryService/Search", stdout);
        Assert.Contains("tomodachi.knob.v1.KnobService/WatchEvents", stdout);
    }

    [Fact]
    public async Task Buf_curl_health_check_through_connect_reports_serving()
    {
        var url = new Uri(suite.GatewayGrpc, "/grpc.health.v1.Health/Check").ToString();

        var (exitCode, stdout, stderr) = await BufCli.CurlAsync([url, "-d", """{"service":"tomodachi.knob.v1.KnobService"}"""], Timeout);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("\"SERVING\"", stdout);
    }

    [Fact]
    public async Task Buf_curl_through_connect_reports_grpc_errors_by_their_code()
    {
        var url = new Uri(suite.GatewayGrpc, "/grpc.health.v1.Health/Check").ToString();

        var (exitCode, stdout, stderr) = await BufCli.CurlAsync([url, "-d", """{"service":"no.such.Service"}"""], Timeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("not_found", stdout + stderr);
    }
}
