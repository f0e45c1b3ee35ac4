using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.V1;
using Tomodachi.Testing;
using static Tomodachi.Inference.Tests.Journal.JournalTestData;

namespace Tomodachi.Inference.Tests.Journal;

/// <summary>The service in process, its journal in a temporary directory, called over a real gRPC channel.</summary>
public sealed class JournalServiceFactory : WebApplicationFactory<Program>
{
    private readonly string directory = Directory.CreateTempSubdirectory("tomodachi-journal-rpc-").FullName;

    public string? JournalPath { get; init; }

    public InferenceService.InferenceServiceClient CreateGrpcClient() =>
        new(GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() }));

    public ITurnJournal Journal => Services.GetRequiredService<ITurnJournal>();

    public const int WatchBufferSize = 16;

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
        .UseSetting("Inference:Journal:Path", JournalPath ?? Path.Combine(directory, "journal.db"))
        .UseSetting("Inference:Journal:WatchBufferSize", WatchBufferSize.ToString())
        // These tests are about the journal: no model is generated or loaded.
        .UseSetting("Inference:LoadOnStartup", "false");

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

public sealed class TurnsRpcTests(JournalServiceFactory factory) : IClassFixture<JournalServiceFactory>
{
    private readonly InferenceService.InferenceServiceClient client = factory.CreateGrpcClient();

    [Fact]
    public async Task ListTurns_pages_through_a_session_newest_first()
    {
        var session = NewSession();
        await factory.Journal.AppendAllAsync(Enumerable.Range(0, 7).Select(i => Turn($"{session}-{i}", session, Epoch.AddSeconds(i))));

        var pages = await AllPagesAsync(async r => await client.ListTurnsAsync(r), new ListTurnsRequest { SessionId = session, PageSize = 3 });

        Assert.Equal([3, 3, 1], pages.Select(p => p.Turns.Count));
        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"{session}-{i}"), pages.Ids());
        Assert.Equal($"reply {session}-6", pages[0].Turns[0].Reply);
    }

    [Fact]
    public async Task ListTurns_with_page_size_over_500_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.ListTurnsAsync(new ListTurnsRequest { PageSize = 501 }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_size must be between 1 and 500 (0 means 50); it was 501.", error.Status.Detail);
    }

    [Fact]
    public async Task ListTurns_with_a_made_up_page_token_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.ListTurnsAsync(new ListTurnsRequest { PageToken = "page-2" }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("page_token is not valid", error.Status.Detail);
    }

    [Fact]
    public async Task ListTurns_with_since_after_until_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.ListTurnsAsync(new ListTurnsRequest
        {
            Since = Timestamp.FromDateTimeOffset(Epoch.AddHours(1)),
            Until = Timestamp.FromDateTimeOffset(Epoch),
        }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("is after until", error.Status.Detail);
    }

    [Fact]
    public async Task WatchTurns_streams_each_turn_finished_after_the_client_subscribed()
    {
        var session = NewSession();
        await factory.Journal.AppendAsync(Turn($"{session}-before", session), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = client.WatchTurns(new WatchTurnsRequest(), cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        await factory.Journal.AppendAllAsync(Enumerable.Range(0, 3).Select(i => Turn($"{session}-{i}", session)));

        var received = new List<Turn>();
        while (received.Count < 3 && await watch.ResponseStream.MoveNext(timeout.Token))
        {
            received.Add(watch.ResponseStream.Current.Turn);
        }

        Assert.Equal([$"{session}-0", $"{session}-1", $"{session}-2"], received.Select(t => t.Stats.TurnId));
        Assert.Equal($"message {session}-2", received[2].UserMessage);
    }

    [Fact]
    public async Task WatchTurns_for_a_client_that_stops_reading_ends_with_ResourceExhausted()
    {
        var session = NewSession();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = client.WatchTurns(new WatchTurnsRequest(), cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        // Far more than the transport buffers and the watcher's buffer hold while nobody reads.
        const int appended = 100;
        var reply = new string('x', 64 * 1024);
        for (var i = 0; i < appended; i++)
        {
            var turn = Turn($"{session}-{i}", session);
            turn.Reply = reply;
            await factory.Journal.AppendAsync(turn, CancellationToken.None);
        }

        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.ResponseStream.MoveNext(timeout.Token) && received < 1_000)
            {
                received++;
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"fell more than {JournalServiceFactory.WatchBufferSize} turns behind", error.Status.Detail);
        Assert.InRange(received, JournalServiceFactory.WatchBufferSize, appended - 1);
    }

    [Fact]
    public async Task WatchTurns_ends_with_Unavailable_when_the_service_shuts_down()
    {
        using var journal = new JournalServiceFactory();
        await using var stopping = journal.StartOnKestrel();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = new InferenceService.InferenceServiceClient(stopping.Channel).WatchTurns(new WatchTurnsRequest(), cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        stopping.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var error = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("shutting down", error.Status.Detail);
    }

    [Fact]
    public async Task Health_is_unhealthy_while_the_journal_cannot_be_opened()
    {
        var notADirectory = Path.Combine(Path.GetTempPath(), $"tomodachi-not-a-directory-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(notADirectory, "a file where the journal's directory should be");
        try
        {
            using var broken = new JournalServiceFactory { JournalPath = Path.Combine(notADirectory, "journal.db") };

            var health = await broken.CreateClient().GetAsync("/health");

            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health")).StatusCode);
        }
        finally
        {
            File.Delete(notADirectory);
        }
    }

    [Fact]
    public void A_relative_journal_path_stops_the_service_at_start_up_with_a_clear_message()
    {
        using var misconfigured = new JournalServiceFactory { JournalPath = "journal.db" };

        var error = Assert.Throws<OptionsValidationException>(() => misconfigured.CreateClient());

        Assert.Contains("Inference:Journal:Path must be an absolute file path", error.Message);
    }

    private static string NewSession() => $"session-{Guid.NewGuid():N}";
}
