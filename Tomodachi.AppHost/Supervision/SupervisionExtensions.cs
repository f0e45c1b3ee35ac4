using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// Supervision the Aspire way: resources marked <see cref="WithSupervision{T}"/> are watched through
/// <see cref="ResourceNotificationService"/> and started again through <see cref="ResourceCommandService"/> when they
/// exit without being asked to (<see cref="Supervisor"/>); restart counts are served on a loopback port
/// (<see cref="RestartsEndpoint"/>) that the local Prometheus scrapes, and sent over OTLP to the dashboard
/// (<see cref="SupervisionTelemetry"/>).
/// </summary>
public static class SupervisionExtensions
{
    /// <summary>The supervisor, its restart ledger and its /metrics and /restarts endpoint, whose address it returns.</summary>
    public static SupervisionEndpointOptions AddSupervision(this IDistributedApplicationBuilder builder)
    {
        // Read now, not when the host starts: the Prometheus config and the web need the address while wiring.
        var endpoint = builder.Configuration.GetSection(SupervisionEndpointOptions.SectionName).Get<SupervisionEndpointOptions>() ?? new();
        Validator.ValidateObject(endpoint, new ValidationContext(endpoint), validateAllProperties: true);
        builder.Services.AddSingleton(Options.Create(endpoint));

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RestartLedger>();
        builder.Services.TryAddSingleton<StopRequests>();
        builder.Services.TryAddSingleton<LastErrorLines>();
        builder.Services.TryAddSingleton<Supervisor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Supervisor>());
        builder.Services.AddHostedService<RestartsEndpoint>();
        builder.Services.AddHostedService<SupervisionTelemetry>();
        return endpoint;
    }

    /// <summary>
    /// Starts the resource again when it exits without being asked to, with the restart policy of
    /// "Supervision" overridden by "Supervision:Services:&lt;name&gt;" (validated at start-up).
    /// </summary>
    public static IResourceBuilder<T> WithSupervision<T>(this IResourceBuilder<T> builder)
        where T : IResource
    {
        var name = builder.Resource.Name;
        var annotation = new SupervisedAnnotation();
        RestartPolicyOptions.Register(builder.ApplicationBuilder.Services, builder.ApplicationBuilder.Configuration, name);

        builder.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(builder.Resource, (e, _) =>
        {
            // DCP adds the lifecycle commands as the app starts, so they exist by the first start of the resource.
            if (!annotation.StopCommandsObserved)
            {
                StopCommandObserver.Observe(e.Resource, e.Services.GetRequiredService<StopRequests>());
                annotation.StopCommandsObserved = true;
            }

            return Task.CompletedTask;
        });

        return builder.WithAnnotation(annotation)
            .WithCommand("supervision-start", "Start (was crash-looping)", async context =>
            {
                // The lifecycle Start hides itself for a state it does not know, so a crash-looping service gets its own.
                context.Services.GetRequiredService<Supervisor>().Reset(name);
                return await context.Services.GetRequiredService<ResourceCommandService>()
                    .ExecuteCommandAsync(builder.Resource, KnownResourceCommands.StartCommand, context.CancellationToken);
            }, new CommandOptions
            {
                Description = "Forget the failures and start it again.",
                IconName = "Play",
                IsHighlighted = true,
                UpdateState = context => context.ResourceSnapshot.State?.Text == Supervisor.CrashLoopingState
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Hidden,
            });
    }

    /// <summary>Where the restart counts are, for the web's Status panel: <c>Supervision__RestartsUrl</c>.</summary>
    public static IResourceBuilder<T> WithRestartCounts<T>(this IResourceBuilder<T> builder, SupervisionEndpointOptions endpoint)
        where T : IResourceWithEnvironment =>
        builder.WithEnvironment("Supervision__RestartsUrl", new Uri(endpoint.Url, "restarts").ToString());
}
