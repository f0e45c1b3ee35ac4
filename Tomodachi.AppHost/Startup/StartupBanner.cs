namespace Tomodachi.AppHost.Startup;

/// <summary>
/// The first lines `dotnet run --project Tomodachi.AppHost` prints, before Aspire's own log: where a person goes and
/// which model answers, so a new user is not left reading log lines for the address.
/// </summary>
public static class StartupBanner
{
    /// <summary>The gateway's browser address (services/Tomodachi.Gateway/appsettings.json binds it).</summary>
    public const string WebUi = "http://localhost:5173";

    public static void PrintStartupBanner(this IDistributedApplicationBuilder builder, string? model)
    {
        // launchSettings.json's applicationUrl reaches the AppHost as ASPNETCORE_URLS; the dashboard serves it.
        var dashboard = builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] ?? "the URL in Aspire's log below";
        Console.WriteLine($"Tomodachi: the web UI is at {WebUi}, the Aspire dashboard at {dashboard}");
        Console.WriteLine(model is null
            ? "Chat model: the demo model (generated random weights: it babbles). For a real one: " +
              "TOMODACHI_MODEL=hf:<owner>/<repo>/<file>.gguf (or a .gguf path) dotnet run --project Tomodachi.AppHost"
            : $"Chat model: {model} (TOMODACHI_MODEL)");
    }
}
