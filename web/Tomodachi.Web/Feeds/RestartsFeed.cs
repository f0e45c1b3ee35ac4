using System.ComponentModel.DataAnnotations;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Tomodachi.Web.Feeds;

/// <summary>One service as the AppHost's supervisor lists it on /restarts.</summary>
public sealed record ServiceRestartsView(
    string Service,
    long Restarts,
    string State,
    DateTimeOffset? LastRestartAt,
    DateTimeOffset? LastExitAt,
    int? LastExitCode,
    string? LastError)
{
    public const string CrashLoopingState = "crash-looping";

    public bool IsCrashLooping => State == CrashLoopingState;
}

/// <summary>Where the supervisor's restart counts are (configuration section "Supervision"; the AppHost sets it).</summary>
public sealed class RestartsFeedOptions
{
    public const string SectionName = "Supervision";

    /// <summary>The AppHost's /restarts; unset when the web runs without the AppHost, and the panel says so.</summary>
    public Uri? RestartsUrl { get; set; }

    /// <summary>The same period as the alert evaluation and Prometheus's scrape.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Polls the AppHost's /restarts for the whole web server: the restart counts live in the supervisor, so they
/// survive a restart of the web or the gateway. The panel and the crash-loop alert read <see cref="Latest"/>.
/// </summary>
public sealed class RestartsFeed(IHttpClientFactory clients, IOptions<RestartsFeedOptions> options, TimeProvider time)
    : BackgroundService, IChangeSource
{
    public const string ClientName = "supervision";

    public IReadOnlyList<ServiceRestartsView> Latest { get; private set; } = [];

    public FeedStatus Status { get; private set; } = FeedStatus.Connecting;

    public event Action? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RestartsUrl is not { } url)
        {
            Publish([], FeedStatus.Offline("not started by the AppHost, which keeps the restart counts"));
            return;
        }

        try
        {
            using var timer = new PeriodicTimer(options.Value.PollInterval, time);
            do
            {
                await PollAsync(url, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PollAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            var http = clients.CreateClient(ClientName);
            var services = await http.GetFromJsonAsync<ServiceRestartsView[]>(url, cancellationToken) ?? [];
            Publish(services, FeedStatus.Online);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Publish(Latest, FeedStatus.Offline($"Unavailable: {e.Message}"));
        }
    }

    private void Publish(IReadOnlyList<ServiceRestartsView> services, FeedStatus status)
    {
        if (status == Status && services.SequenceEqual(Latest))
        {
            return;
        }

        (Latest, Status) = (services, status);
        Changed?.Invoke();
    }
}
