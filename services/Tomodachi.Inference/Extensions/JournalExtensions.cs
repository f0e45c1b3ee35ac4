using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Extensions;

/// <summary>Registers the turn journal and its options.</summary>
public static class JournalExtensions
{
    public static IHostApplicationBuilder AddTurnJournal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JournalOptions>()
            .BindConfiguration(JournalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ITurnJournal, SqliteTurnJournal>();
        builder.Services.AddHealthChecks().AddCheck<JournalHealthCheck>("journal");
        return builder;
    }
}
