using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Inference.Journal;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tests.Tuning;

/// <summary>
/// The inference service in process with its journal in a temporary directory and two configured personas, each
/// with a system prompt of the test's own (the chat options require one, and appsettings.json ships its own
/// prompts for the same names), called over a real gRPC channel and plain HTTP.
/// </summary>
public sealed class TuningServiceFactory : WebApplicationFactory<Program>
{
    public const string TomodachiPrompt = "You are Tomodachi, a kind friend.";
    public const string CoachPrompt = "You are a coach.";

    private readonly string directory = Directory.CreateTempSubdirectory("tomodachi-tuning-rpc-").FullName;

    public TuningService.TuningServiceClient CreateTuningClient() =>
        new(GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() }));

    public ITurnJournal Journal => Services.GetRequiredService<ITurnJournal>();

    /// <summary>Extra configuration, e.g. invalid thresholds.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Inference:Journal:Path", Path.Combine(directory, "journal.db"));
        // The tuning RPCs read the journal only; a start-up model load would just compete for the CPU.
        builder.UseSetting("Inference:LoadOnStartup", "false");
        builder.UseSetting("Inference:Personas:0:Name", "tomodachi");
        builder.UseSetting("Inference:Personas:0:SystemPrompt", TomodachiPrompt);
        builder.UseSetting("Inference:Personas:1:Name", "coach");
        builder.UseSetting("Inference:Personas:1:SystemPrompt", CoachPrompt);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // WebApplicationFactory disposes through both Dispose and DisposeAsync.
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
