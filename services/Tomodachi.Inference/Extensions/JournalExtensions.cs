using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Extensions;

/// <summary>Registers the turn journal, the conversations it keeps, and its options.</summary>
public static class JournalExtensions
{
    public static IHostApplicationBuilder AddTurnJournal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JournalOptions>()
            .BindConfiguration(JournalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SqliteTurnJournal>();
        builder.Services.AddSingleton<ITurnJournal>(services => services.GetRequiredService<SqliteTurnJournal>());
        builder.Services.AddSingleton<IConversationStore>(services => services.GetRequiredService<SqliteTurnJournal>());
        builder.Services.AddHealthChecks().AddCheck<JournalHealthCheck>("journal");
        return builder;
    }
}
