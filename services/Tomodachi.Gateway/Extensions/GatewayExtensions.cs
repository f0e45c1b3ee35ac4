using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Reflection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tomodachi.Gateway.Health;
using Tomodachi.Gateway.Limits;
using Tomodachi.Gateway.Security;
using Tomodachi.Gateway.Reflection;

namespace Tomodachi.Gateway.Extensions;

/// <summary>Registers the reverse proxy (stamping the service token), reflection for every contract, and per-backend gRPC health.</summary>
public static class GatewayExtensions
{
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver()
            .ConfigureHttpClient((_, handler) => handler.WithDeadConnectionPings())
            .AddServiceTokenTransform()
            .RemoveCheckedOrigin();

        builder.AsFrontDoor();
        builder.AddGatewaySecurity();
        builder.AddRequestLimits();
        builder.AddContractReflection();
        builder.AddGrpcDefaults();
        builder.AddBackendHealth();
        builder.AddOpenAiApi();
        return builder;
    }

    /// <summary>The API key (when one is set), then the page session that exports need.</summary>
    public static WebApplication UseGatewaySecurity(this WebApplication app)
    {
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<PageSessionMiddleware>();
        return app;
    }

    private static void AddGatewaySecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewaySecurityOptions>()
            .Bind(builder.Configuration.GetSection(GatewaySecurityOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewaySecurityOptions>, GatewaySecurityValidation>();
        builder.Services.AddSingleton<UiSession>();
        builder.Services.AddSingleton<ApiKeyCheck>();
    }

    private static void AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayLimitsOptions>()
            .Bind(builder.Configuration.GetSection(GatewayLimitsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Kestrel's own limit (30 MB unless set) becomes the configured one; gRPC streams lift it per request.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayLimitsOptions>>(
            (kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
    }

    /// <summary>
    /// Backends all answer reflection on the same path, so the gateway answers it itself, for both reflection
    /// versions (buf curl speaks v1, many tools v1alpha). Registered before AddGrpcReflection, which keeps them.
    /// </summary>
    private static void AddContractReflection(this IHostApplicationBuilder builder)
    {
        IReadOnlyList<ServiceDescriptor> services =
        [
            .. Contracts.All.Select(c => c.Service),
            Grpc.Health.V1.HealthReflection.Descriptor.Services.Single(),
        ];
        builder.Services.AddSingleton(new ReflectionServiceImpl(services));
        builder.Services.AddSingleton(new ReflectionV1ServiceImpl(services));
    }

    private static void AddBackendHealth(this IHostApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks();
        // One check per backend, not per contract: the inference service serves two contracts.
        foreach (var backend in Contracts.All.Select(c => c.Backend).Distinct())
        {
            builder.Services.AddGrpcServiceClient<Grpc.Health.V1.Health.HealthClient>(backend, backend);
            checks.Add(new HealthCheckRegistration(
                backend,
                sp => new BackendHealthCheck(sp.GetRequiredService<Grpc.Net.ClientFactory.GrpcClientFactory>()
                    .CreateClient<Grpc.Health.V1.Health.HealthClient>(backend)),
                failureStatus: null,
                tags: [Microsoft.Extensions.Hosting.Extensions.RemoteTag]));
        }

        builder.Services.Configure<Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(options =>
        {
            foreach (var contract in Contracts.All)
            {
                options.Services.Map(contract.Service.FullName, r => r.Name == contract.Backend);
            }
        });
    }
}
