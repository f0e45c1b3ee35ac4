using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// gRPC hosting shared by the services: reflection so grpcurl and buf curl can list everything, the standard gRPC
/// health service fed by the ASP.NET health checks, message-size limits from configuration ("Grpc" section), and
/// INVALID_ARGUMENT rather than UNKNOWN for requests that are not valid protobuf.
/// </summary>
public static class GrpcExtensions
{
    public static TBuilder AddGrpcDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddGrpc(options => options.EnableDetailedErrors = builder.Environment.IsDevelopment());
        builder.Services.AddOptions<GrpcMessageLimits>()
            .Bind(builder.Configuration.GetSection(GrpcMessageLimits.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<GrpcServiceOptions>().Configure<IOptions<GrpcMessageLimits>>((grpc, limits) =>
        {
            grpc.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = limits.Value.MaxSendMessageBytes;
        });
        builder.Services.AddTransient<IStartupFilter, MalformedMessageStartupFilter>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks();
        return builder;
    }

    /// <summary>
    /// A typed gRPC client for another Tomodachi service, found by service discovery on its "grpc" endpoint, carrying
    /// the service token.
    /// </summary>
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but the only way to opt out of the defaults.
    public static IHttpClientBuilder AddGrpcServiceClient<TClient>(this IServiceCollection services, string serviceName, string? name = null)
        where TClient : class =>
        services.AddGrpcClient<TClient>(name ?? typeof(TClient).Name, options => options.Address = new Uri($"http://_grpc.{serviceName}"))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.WithDeadConnectionPings())
            // Streams outlive the standard handler's request timeout; each call sets its own deadline instead.
            .RemoveAllResilienceHandlers()
            .AddHttpMessageHandler<ServiceTokenHandler>();
#pragma warning restore EXTEXP0001

    public static IEndpointRouteBuilder MapGrpcDefaults(this IEndpointRouteBuilder app)
    {
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }

    /// <summary>Puts <see cref="MalformedMessageMiddleware"/> first, so no service's Program.cs has to remember it.</summary>
    private sealed class MalformedMessageStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<MalformedMessageMiddleware>();
            next(app);
        };
    }
}
