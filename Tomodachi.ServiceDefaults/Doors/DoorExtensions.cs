using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Puts the Host and Origin checks in front of every other middleware of every process that uses the service
/// defaults: pages, WebSockets, REST, Connect and gRPC alike, and the health and metrics endpoints too.
/// </summary>
public static class DoorExtensions
{
    public static TBuilder AddDoorChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Whether this process is the front door is known only once every registration is in, hence the factory.
        builder.Services.AddSingleton(services => new DoorSettingName(DoorOptions.SectionFor(services.GetService<FrontDoor>() is not null)));
        builder.Services.AddOptions<DoorOptions>()
            .Configure<IConfiguration, DoorSettingName>((options, configuration, setting) => configuration.GetSection(setting.Section).Bind(options))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DoorOptions>, DoorValidation>();
        builder.Services.AddSingleton<HostAllowList>();
        builder.Services.AddSingleton<OriginAllowList>();
        builder.Services.AddTransient<IStartupFilter, DoorStartupFilter>();
        return builder;
    }

    private sealed class DoorStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<DoorChecks>();
            next(app);
        };
    }
}
