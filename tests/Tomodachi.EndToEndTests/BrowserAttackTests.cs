using Microsoft.Playwright;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.V1;
using static Microsoft.Playwright.Assertions;
using static Tomodachi.EndToEndTests.Infrastructure.CampgroundPage;

namespace Tomodachi.EndToEndTests;

/// <summary>
/// What a web page in the user's own browser can do to the suite: a page of another local site, and a page that
/// rebinds its own domain to 127.0.0.1. Each attempt is judged by what the page got back and by the server's state
/// afterwards, not only by what the browser showed.
/// </summary>
[Collection(CampgroundCollection.Name)]
public sealed class BrowserAttackTests(CampgroundFixture suite)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private InferenceService.InferenceServiceClient Inference => new(suite.GatewayChannel);

    /// <summary>
    /// The attempts a hostile page makes against <c>base</c> ('' = its own origin): each result is "status N: body"
    /// when the page could read the answer, "error: …" when the browser gave it nothing.
    /// </summary>
    private static string Attack(string target, string socketTarget) => $$"""
        <!doctype html><html><body><script>
        const base = '{{target}}';
        const read = async (response) => 'status ' + response.status + ': ' + (await response.text()).slice(0, 200);
        const attempt = async (f) => { try { return await f(); } catch (e) { return 'error: ' + e.name; } };
        window.results = (async () => ({
          unload: await attempt(async () => read(await fetch(base + '/tomodachi.inference.v1.InferenceService/UnloadModel',
            { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }))),
          unloadNoCors: await attempt(async () => (await fetch(base + '/tomodachi.inference.v1.InferenceService/UnloadModel',
            { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' })).type),
          turns: await attempt(async () => read(await fetch(base + '/export/turns.csv', { credentials: 'include' }))),
          dataset: await attempt(async () => read(await fetch(base + '/api/tuning/dataset.jsonl', { credentials: 'include' }))),
          memory: await attempt(async () => read(await fetch(base + '/api/model/memory'))),
          socket: await new Promise(resolve => {
            const socket = new WebSocket('{{socketTarget}}/_blazor?id=attack');
            socket.onopen = () => resolve('open');
            socket.onerror = () => resolve('error');
            setTimeout(() => resolve('no answer'), 30000);
          }),
        }))();
        </script></body></html>
        """;

    [Fact]
    public async Task A_page_from_another_local_port_gets_nothing_and_changes_nothing_while_the_ui_keeps_working()
    {
        var gateway = suite.GatewayHttp.GetLeftPart(UriPartial.Authority);
        await using var site = await OtherSite.StartAsync(Attack(gateway, "ws://" + suite.GatewayHttp.Authority));
        // The user has the Campground open: the browser holds its session cookie, which is same-site for localhost pages.
        await using var campground = await suite.OpenCampgroundAsync();
        var attacker = await campground.Page.Context.NewPageAsync();

        await attacker.GotoAsync(site.Page.ToString());
        var results = await attacker.EvaluateAsync<Dictionary<string, string>>("() => window.results");
        var model = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;

        Assert.StartsWith("error", results["unload"]);
        Assert.Equal("opaque", results["unloadNoCors"]);
        Assert.StartsWith("error", results["turns"]);
        Assert.StartsWith("error", results["dataset"]);
        Assert.StartsWith("error", results["memory"]);
        Assert.Equal("error", results["socket"]);
        Assert.True(model.Loaded, "a page of another site unloaded the model");

        // The Campground itself, in the same browser, still chats.
        var page = campground.Page;
        await page.Locator("#chatInput").FillAsync("Are you still with me?");
        await page.Locator("#chatInput").PressAsync("Enter");
        await Expect(page.Locator(".chat-message.assistant .chat-stats")).ToBeVisibleAsync(new() { Timeout = Patient.Timeout });
    }

    [Fact]
    public async Task A_page_that_rebinds_its_domain_to_loopback_reaches_nothing_and_the_model_stays_loaded()
    {
        var port = suite.GatewayHttp.Port;
        var attackerOrigin = $"http://{CampgroundFixture.ReboundHost}:{port}";
        await using var session = await suite.OpenCampgroundAsync();
        var context = session.Page.Context;
        var attacker = await context.NewPageAsync();
        // The attacker's server serves the page; then its DNS answers 127.0.0.1 (Chromium's --host-resolver-rules), so the
        // page's same-origin requests — which the browser lets it read — go to the gateway under the attacker's name.
        await attacker.RouteAsync(attackerOrigin + "/", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = Attack("", $"ws://{CampgroundFixture.ReboundHost}:{port}"),
        }));

        await attacker.GotoAsync(attackerOrigin + "/");
        var results = await attacker.EvaluateAsync<Dictionary<string, string>>("() => window.results");
        var model = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;

        var seen = string.Join("; ", results.Select(r => $"{r.Key} = {r.Value}"));
        foreach (var name in new[] { "unload", "turns", "dataset", "memory" })
        {
            Assert.True(results[name].StartsWith("status 421: This server does not answer to the name", StringComparison.Ordinal), seen);
            Assert.DoesNotContain("turn_id", results[name]);
            Assert.DoesNotContain("rss", results[name]);
        }

        Assert.Equal("error", results["socket"]);
        Assert.True(model.Loaded, "a rebound page unloaded the model");
    }
}
