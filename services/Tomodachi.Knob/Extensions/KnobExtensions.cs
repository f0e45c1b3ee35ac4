using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tomodachi.Knob.Controls;
using Tomodachi.Knob.Events;
using Tomodachi.Knob.Gpio;
using Tomodachi.Knob.Telemetry;

namespace Tomodachi.Knob.Extensions;

/// <summary>Registers everything the Knob service needs.</summary>
public static class KnobExtensions
{
    public static IHostApplicationBuilder AddKnobServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddTomodachiTelemetrySource(KnobMetrics.MeterName);

        builder.Services.AddOptions<KnobOptions>()
            .BindConfiguration(KnobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KnobOptions>, KnobOptionsValidator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KnobMetrics>();
        builder.Services.AddSingleton<KnobEventHub>();
        builder.Services.AddSingleton<IGpioDriverProvider, GpioDriverProvider>();
        // A hosted service, so the pins are opened (and a wiring mistake reported) at start-up, not on the first call.
        builder.Services.AddSingleton<KnobControls>();
        builder.Services.AddHostedService(services => services.GetRequiredService<KnobControls>());
        return builder;
    }
}
