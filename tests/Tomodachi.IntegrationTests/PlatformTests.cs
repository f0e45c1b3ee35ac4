using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Tomodachi.IntegrationTests.Infrastructure;

namespace Tomodachi.IntegrationTests;

[Collection(SuiteCollection.Name)]
public sealed class PlatformTests(SuiteFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    public static TheoryData<string> Scraped => [.. SuiteFixture.Resources];

    [Theory]
    [MemberData(nameof(Scraped))]
    public async Task Metrics_endpoint_serves_valid_prometheus_text(string resource)
    {
        using var http = suite.CreateHttpClient(resource);
        var body = await http.GetStringAsync("/metrics", Timeout);

        var (exitCode, output) = await Promtool.CheckMetricsAsync(body, Timeout);

        Assert.True(exitCode == 0, $"promtool rejected {resource}/metrics: {output}");
        Assert.Contains("process_memory_usage_bytes", body);
        Assert.Contains("process_memory_virtual_bytes", body);
    }

    [Theory]
    [MemberData(nameof(Scraped))]
    public async Task Every_service_runs_with_two_malloc_arenas(string resource)
    {
        // DCP runs `dotnet run`, which runs the service: both must carry the setting, since glibc reads it at start.
        var processes = ProcessTree.Of(await suite.App.ProcessIdAsync(resource, Timeout));

        Assert.True(processes.Count >= 2, $"{resource}: expected `dotnet run` and the service, found {processes.Count} process(es)");
        foreach (var pid in processes)
        {
            var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ", Timeout)).Split('\0');
            Assert.Contains("MALLOC_ARENA_MAX=2", environment);
        }
    }

    [Fact]
    public async Task Gateway_reflection_lists_all_three_contracts()
    {
        using var channel = suite.CreateGatewayChannel();
        var client = new ServerReflection.ServerReflectionClient(channel);
        using var call = client.ServerReflectionInfo(cancellationToken: Timeout);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Timeout));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("tomodachi.inference.v1.InferenceService", names);
        Assert.Contains("tomodachi.memory.v1.MemoryService", names);
        Assert.Contains("tomodachi.knob.v1.KnobService", names);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomodachi.inference.v1.InferenceService")]
    [InlineData("tomodachi.memory.v1.MemoryService")]
    [InlineData("tomodachi.knob.v1.KnobService")]
    public async Task Gateway_grpc_health_reports_serving(string service)
    {
        using var channel = suite.CreateGatewayChannel();
        var client = new Health.HealthClient(channel);

        var reply = await client.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Timeout);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Gateway_grpc_health_rejects_unknown_service_with_NotFound()
    {
        using var channel = suite.CreateGatewayChannel();
        var client = new Health.HealthClient(channel);

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            client.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, cancellationToken: Timeout).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Gateway_serves_the_web_ui_over_http1()
    {
        using var http = new HttpClient { BaseAddress = suite.GatewayHttp };

        var page = await http.GetStringAsync("/", Timeout);

        Assert.Contains("Tomodachi", page);
    }
}
