using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Knob.V1;
using Tomodachi.Web.Components.Shared;
using Tomodachi.Web.Components.Toolbox;
using Tomodachi.Web.Feeds;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Components;

public sealed class ToolboxTests : BunitContext, IAsyncLifetime
{
    private static readonly ToolboxItem[] Items = [new("status", IconName.Status, "Status"), new("chat", IconName.Chat, "Chat"), new("export", IconName.Download, "Export CSV")];

    private readonly ScriptedKnobService knob = new();
    private readonly List<ToolboxItem> opened = [];
    private GrpcTestHost? host;
    private GrpcChannel? channel;
    private KnobFeed? feed;

    public async Task InitializeAsync()
    {
        host = await GrpcTestHost.StartAsync(knob);
        channel = GrpcChannel.ForAddress(host.Address);
        feed = new KnobFeed(new KnobService.KnobServiceClient(channel), TimeProvider.System,
            Options.Create(new FeedOptions()), NullLogger<KnobFeed>.Instance);
        Services.AddSingleton(feed);
        JSInterop.Mode = JSRuntimeMode.Loose;
        await feed.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => feed.Status.IsOnline && knob.WatcherCount == 1, "the knob feed watching");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await feed!.StopAsync(CancellationToken.None);
        feed.Dispose();
        channel!.Dispose();
        await host!.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public void Button_opens_a_menu_with_the_first_item_selected()
    {
        var cut = RenderToolbox();

        cut.Find("#toolboxButton").Click();

        Assert.Equal("true", cut.Find("#toolboxButton").GetAttribute("aria-expanded"));
        Assert.Equal(3, cut.FindAll("[role=menuitem]").Count);
        Assert.Contains("selected", cut.Find("#toolbox-status").ClassList);
    }

    [Fact]
    public void Arrow_keys_move_the_selection_and_wrap()
    {
        var cut = RenderToolbox();
        cut.Find("#toolboxButton").Click();

        cut.Find("#toolboxMenu").KeyDown(Key.Down);
        Assert.Contains("selected", cut.Find("#toolbox-chat").ClassList);

        cut.Find("#toolboxMenu").KeyDown(Key.Up);
        cut.Find("#toolboxMenu").KeyDown(Key.Up);
        Assert.Contains("selected", cut.Find("#toolbox-export").ClassList);
    }

    [Fact]
    public void Escape_closes_the_menu()
    {
        var cut = RenderToolbox();
        cut.Find("#toolboxButton").Click();

        cut.Find("#toolboxMenu").KeyDown(Key.Escape);

        Assert.Empty(cut.FindAll("#toolboxMenu"));
    }

    [Fact]
    public void Choosing_an_item_opens_it_and_closes_the_menu()
    {
        var cut = RenderToolbox();
        cut.Find("#toolboxButton").Click();

        cut.Find("#toolbox-status").Click();

        Assert.Equal("status", Assert.Single(opened).Id);
        Assert.Empty(cut.FindAll("#toolboxMenu"));
    }

    [Fact]
    public void Knob_press_opens_the_menu_rotation_moves_and_a_second_press_opens_the_item()
    {
        var cut = RenderToolbox();

        knob.Emit(KnobEventType.Pressed);
        cut.WaitForElement("#toolboxMenu", TimeSpan.FromSeconds(20));
        knob.Emit(KnobEventType.Released);
        knob.Emit(KnobEventType.Rotated, delta: 2);
        cut.WaitForAssertion(() => Assert.Contains("selected", cut.Find("#toolbox-export").ClassList), TimeSpan.FromSeconds(20));
        knob.Emit(KnobEventType.Rotated, delta: -1);
        cut.WaitForAssertion(() => Assert.Contains("selected", cut.Find("#toolbox-chat").ClassList), TimeSpan.FromSeconds(20));
        knob.Emit(KnobEventType.Pressed);

        cut.WaitForAssertion(() => Assert.Equal("chat", Assert.Single(opened).Id), TimeSpan.FromSeconds(20));
        Assert.Empty(cut.FindAll("#toolboxMenu"));
    }

    private IRenderedComponent<Toolbox> RenderToolbox() => Render<Toolbox>(p => p
        .Add(t => t.Items, Items)
        .Add(t => t.OnOpenItem, item => opened.Add(item)));
}
