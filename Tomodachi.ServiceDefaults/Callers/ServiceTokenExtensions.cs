using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Who may call a service: with a service token configured, only the gateway and the other services (which all hold
/// it); without one, anyone on this machine, and then the service refuses to listen beyond loopback.
/// </summary>
public static class ServiceTokenExtensions
{
    public static TBuilder AddServiceToken<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ServiceTokenOptions>()
            .Bind(builder.Configuration.GetSection(ServiceTokenOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServiceTokenOptions>, ServiceTokenValidation>();
        builder.Services.AddTransient<ServiceTokenHandler>();
        return builder;
    }

    /// <summary>Marks this process as the suite's front door (the gateway): it forwards the token rather than asking for it.</summary>
    public static TBuilder AsFrontDoor<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<FrontDoor>();
        return builder;
    }

    /// <summary>Refuses calls without the token, unless this process is the front door.</summary>
    public static WebApplication UseServiceToken(this WebApplication app)
    {
        if (app.Services.GetService<FrontDoor>() is null)
        {
            app.UseMiddleware<ServiceTokenCheck>();
        }

        return app;
    }
}
