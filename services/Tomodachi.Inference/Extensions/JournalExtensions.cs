using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Extensions;

/// <summary>Registers the turn journal, the conversations it keeps, its retention sweep, and their options.</summary>
public static class JournalExtensions
{
    public static IHostApplicationBuilder AddTurnJournal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JournalOptions>()
            .BindConfiguration(JournalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<JournalRetentionOptions>()
            .BindConfiguration(JournalRetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SqliteTurnJournal>();
        builder.Services.AddSingleton<ITurnJournal>(services => services.GetRequiredService<SqliteTurnJournal>());
        builder.Services.AddSingleton<IConversationStore>(services => services.GetRequiredService<SqliteTurnJournal>());
        builder.Services.AddSingleton<IJournalRetention>(services => services.GetRequiredService<SqliteTurnJournal>());
        builder.Services.AddSingleton<JournalRetentionStatus>();
        builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<JournalRetentionSweeper>(
            services, new Func<IJournalRetention>(services.GetRequiredService<IJournalRetention>)));
        builder.Services.AddHealthChecks().AddCheck<JournalHealthCheck>("journal");
        return builder;
    }
}
