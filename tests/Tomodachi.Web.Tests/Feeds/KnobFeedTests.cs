using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Knob.V1;
using Tomodachi.Web.Feeds;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Feeds;

public sealed class KnobFeedTests : IAsyncLifetime
{
    private readonly ScriptedKnobService knob = new();
    private readonly List<KnobEvent> received = [];
    private GrpcTestHost? host;
    private GrpcChannel? channel;
    private KnobFeed? feed;

    private KnobFeed Feed => feed!;

    public async Task InitializeAsync()
    {
        host = await GrpcTestHost.StartAsync(knob);
        feed = CreateFeed(host.Address);
        feed.EventReceived += e =>
        {
            lock (received)
            {
                received.Add(e);
            }
        };
        await feed.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Feed.StopAsync(CancellationToken.None);
        Feed.Dispose();
        channel?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Feed_reads_the_state_on_connect_and_goes_online()
    {
        await Eventually.TrueAsync(() => Feed.Status.IsOnline, "the feed online");

        Assert.Equal("scripted", Feed.Latest!.State.Driver);
        Assert.False(Feed.Latest.State.Pressed);
        Assert.Null(Feed.Latest.NewEvent);
    }

    [Fact]
    public async Task Press_and_release_follow_the_stream_and_are_passed_on_in_order()
    {
        await Eventually.TrueAsync(() => knob.WatcherCount == 1 && Feed.Status.IsOnline, "the feed watching");

        knob.Emit(KnobEventType.Pressed);
        await Eventually.TrueAsync(() => Feed.Latest?.State.Pressed == true, "pressed");
        knob.Emit(KnobEventType.Released);
        await Eventually.TrueAsync(() => Feed.Latest?.State.Pressed == false, "released");
        knob.Emit(KnobEventType.Rotated, delta: -2);
        await Eventually.TrueAsync(() => Feed.Latest?.State.Position == -2, "rotated");

        lock (received)
        {
            Assert.Equal([KnobEventType.Pressed, KnobEventType.Released, KnobEventType.Rotated], received.Select(e => e.Type));
        }
    }

    [Fact]
    public async Task Service_restart_shows_offline_with_the_reason_then_reconnects_by_itself()
    {
        await Eventually.TrueAsync(() => knob.WatcherCount == 1 && Feed.Status.IsOnline, "the feed watching");
        var port = host!.Address.Port;

        await host.DisposeAsync();
        host = null;
        await Eventually.TrueAsync(() => Feed.Status.Connection == FeedConnection.Offline, "the feed offline");
        Assert.StartsWith("Unavailable", Feed.Status.Reason);

        host = await GrpcTestHost.StartAsync(knob, port);
        await Eventually.TrueAsync(() => Feed.Status.IsOnline && knob.WatcherCount == 1, "the feed back online");
        knob.Emit(KnobEventType.Pressed);
        await Eventually.TrueAsync(() => Feed.Latest?.State.Pressed == true, "a press after the restart");
    }

    [Fact]
    public async Task Service_without_the_rpc_is_offline_as_unimplemented()
    {
        await using var bare = await GrpcTestHost.StartAsync<ScriptedKnobService>(service: null);
        using var bareChannel = GrpcChannel.ForAddress(bare.Address);
        using var bareFeed = new KnobFeed(new KnobService.KnobServiceClient(bareChannel), TimeProvider.System, FastReconnect, NullLogger<KnobFeed>.Instance);

        await bareFeed.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => bareFeed.Status.Connection == FeedConnection.Offline, "the feed offline");
        await bareFeed.StopAsync(CancellationToken.None);

        Assert.Equal("Unimplemented: the service does not offer KnobService.WatchEvents yet", bareFeed.Status.Reason);
        Assert.Null(bareFeed.Latest);
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(3, 200)]
    [InlineData(30, 200)]
    public void Reconnect_delay_doubles_up_to_the_cap(int failures, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Feed.Backoff(failures));

    private static IOptions<FeedOptions> FastReconnect => Options.Create(new FeedOptions
    {
        InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
    });

    private KnobFeed CreateFeed(Uri address)
    {
        channel = GrpcChannel.ForAddress(address);
        return new KnobFeed(new KnobService.KnobServiceClient(channel), TimeProvider.System, FastReconnect, NullLogger<KnobFeed>.Instance);
    }
}
