using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.AppHost.Security;
using Tomodachi.Testing;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>
/// One running AppHost shared by every test in the collection: its ports are fixed, so two at once would collide.
/// </summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    public static readonly string[] Services = ["inference", "memory", "knob"];
    public static readonly string[] Resources = [.. Services, "web", "gateway"];

    /// <summary>Tests need Prometheus (promtool, the real server); the AppHost starts it when it is installed.</summary>
    private static readonly string[] Observability = ["prometheus"];
    // A bound for a shared, loaded machine (six developers on two cores), not a measurement.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);

    /// <summary>The service defaults' ServiceTokenOptions.HeaderName (the tests do not reference the service defaults).</summary>
    private const string ServiceTokenHeader = "x-tomodachi-service-token";

    private DistributedApplication? app;

    public DistributedApplication App => app ?? throw new InvalidOperationException("The suite has not started.");

    /// <summary>The gateway's gRPC address (HTTP/2 cleartext).</summary>
    public Uri GatewayGrpc => App.GetEndpoint("gateway", "grpc");

    /// <summary>The gateway's browser/REST address (HTTP/1.1).</summary>
    public Uri GatewayHttp => App.GetEndpoint("gateway", "http");

    /// <summary>The Prometheus the AppHost started.</summary>
    public Uri Prometheus => App.GetEndpoint("prometheus", "http");

    public GrpcChannel CreateGatewayChannel() => GrpcChannel.ForAddress(GatewayGrpc);

    public HttpClient CreateHttpClient(string resource) => App.CreateHttpClient(resource, "http");

    /// <summary>
    /// A channel straight to a service's own gRPC port whose calls carry the service token the AppHost gave the
    /// services this run, as calls the gateway forwards do. Without it a service refuses every call.
    /// </summary>
    public async Task<GrpcChannel> CreateServiceChannelAsync(string service, CancellationToken cancellationToken)
    {
        var token = await App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(parameter => parameter.Name == ServiceTokenExtensions.ParameterName)
            .GetValueAsync(cancellationToken) ?? throw new InvalidOperationException("The AppHost has no service token.");
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add(ServiceTokenHeader, token);
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(App.GetEndpoint(service, "grpc"), new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            // The suite speaks cleartext on loopback; gRPC sends call credentials only over TLS unless told to.
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    // A test run must never write into the owner's journal, memories or Prometheus history.
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("tomodachi-tests-").FullName;

    /// <summary>A model folder of the suite's inference service (TOMODACHI_MODEL_FOLDERS), for models a test makes.</summary>
    public string ModelFolder => Path.Combine(dataDirectory, "models");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        // The AppHost skips Prometheus where it is not installed; the tests need it, so say how to get it.
        _ = RequiredTools.Prometheus;
        Directory.CreateDirectory(ModelFolder);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Tomodachi_AppHost>(
            [$"--TOMODACHI_DATA={dataDirectory}", $"--TOMODACHI_MODEL_FOLDERS={ModelFolder}"], cts.Token);
        app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        foreach (var resource in Resources.Concat(Observability))
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SuiteCollection : ICollectionFixture<SuiteFixture>
{
    public const string Name = "suite";
}
