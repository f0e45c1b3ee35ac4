using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using Microsoft.Playwright;
using Tomodachi.Testing;

namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>
/// The whole suite started once through Aspire.Hosting.Testing (its ports are fixed, so one at a time) and one
/// headless Debian Chromium, shared by every browser test of the collection.
/// </summary>
public sealed class CampgroundFixture : IAsyncLifetime
{
    public static readonly string[] Resources = ["inference", "memory", "knob", "web", "gateway"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>
    /// Prometheus's retention in the suite: not its default (15d), so a test sees the setting reach it; not whole weeks,
    /// which Prometheus prints as weeks.
    /// </summary>
    public const string PrometheusRetention = "20d";

    /// <summary>A name Chromium resolves to 127.0.0.1 itself, as a DNS rebinding attack makes it do.</summary>
    public const string ReboundHost = "rebind.test";

    private DistributedApplication? app;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private GrpcChannel? gatewayChannel;
    private Tomodachi.Inference.Tests.Download.ModelFileServer? hub;

    public DistributedApplication App => app ?? throw new InvalidOperationException("The suite has not started.");

    /// <summary>The gateway's browser address (HTTP/1.1), what a person opens.</summary>
    public Uri GatewayHttp => App.GetEndpoint("gateway", "http");

    /// <summary>
    /// The Prometheus the AppHost starts (it does wherever `prometheus` is installed, as in CI), once it is ready.
    /// </summary>
    public async Task<Uri> PrometheusAsync(CancellationToken cancellationToken)
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("prometheus", cancellationToken);
        return App.GetEndpoint("prometheus", "http");
    }

    /// <summary>One HTTP/2 channel to the gateway's gRPC port, for the tests' own calls to the services.</summary>
    public GrpcChannel GatewayChannel => gatewayChannel ?? throw new InvalidOperationException("The suite has not started.");

    /// <summary>A loopback imitation of the Hugging Face Hub that the suite's inference service downloads from.</summary>
    internal Tomodachi.Inference.Tests.Download.ModelFileServer Hub => hub ?? throw new InvalidOperationException("The suite has not started.");

    /// <summary>The suite's model cache: the demo model and whatever a test pulls, in the test's own folder.</summary>
    public string ModelCache => Path.Combine(dataDirectory, "cache");

    /// <summary>A model folder of the suite (TOMODACHI_MODEL_FOLDERS), for files a test puts there.</summary>
    public string ModelFolder => Path.Combine(dataDirectory, "models");

    // A test run must never write into the owner's journal, memories, Prometheus history or model cache.
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("tomodachi-tests-").FullName;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        // The AppHost skips Prometheus where it is not installed; the tests need it, so say how to get it.
        _ = RequiredTools.Prometheus;
        hub = await Tomodachi.Inference.Tests.Download.ModelFileServer.StartAsync();
        Directory.CreateDirectory(ModelFolder);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Tomodachi_AppHost>(
            [$"--TOMODACHI_DATA={dataDirectory}", $"--TOMODACHI_MODEL_FOLDERS={ModelFolder}",
             // These tests break services on purpose to watch the page show it, and bring them back themselves; the
             // supervisor would race them. The integration tests cover the supervisor.
             "--Supervision:Enabled=false", $"--Prometheus:Retention:Time={PrometheusRetention}"], cts.Token);
        var inference = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "inference"));
        inference.WithEnvironment("Inference__ModelCache", ModelCache)
            .WithEnvironment("Inference__Download__BaseUrl", hub.BaseUrl.ToString())
            .WithEnvironment("Inference__Download__RetryDelay", "00:00:00");
        app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        foreach (var resource in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
        }

        gatewayChannel = GrpcChannel.ForAddress(App.GetEndpoint("gateway", "grpc"));
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = RequiredTools.Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", $"--host-resolver-rules=MAP {ReboundHost} 127.0.0.1",
                // Chromium's Local Network Access checks stop a page of a public site from reaching loopback before the
                // request leaves the browser; other browsers have no such check, so the rebinding test turns them off to
                // show that the gateway refuses such a page on its own.
                "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults",
            ],
        });
    }

    /// <summary>A fresh browser context (own cookies, own circuit) on the Campground page, once it is interactive.</summary>
    public async Task<BrowserSession> OpenCampgroundAsync(int width = 1280, int height = 800)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(GatewayHttp.ToString());
        // Prerendering is off: the toolbox appears only once the circuit is up and events reach the server.
        await page.Locator("#toolboxButton").WaitForAsync();
        return new BrowserSession(page);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        gatewayChannel?.Dispose();
        if (hub is not null)
        {
            await hub.DisposeAsync();
        }

        if (app is not null)
        {
            await app.DisposeAsync();
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}

/// <summary>One open Campground tab; disposing it closes its context, so no old circuit keeps following the knob.</summary>
public sealed class BrowserSession(IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public ValueTask DisposeAsync() => new(Page.Context.CloseAsync());
}

[CollectionDefinition(Name)]
public sealed class CampgroundCollection : ICollectionFixture<CampgroundFixture>
{
    public const string Name = "campground";
}
