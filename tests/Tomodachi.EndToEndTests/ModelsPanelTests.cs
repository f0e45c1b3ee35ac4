using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Inference.Tests.Download;
using Tomodachi.Inference.V1;
using static Microsoft.Playwright.Assertions;
using static Tomodachi.EndToEndTests.Infrastructure.CampgroundPage;

namespace Tomodachi.EndToEndTests;

/// <summary>The Models panel against the real suite and a loopback imitation of the Hugging Face Hub.</summary>
[Collection(CampgroundCollection.Name)]
public sealed class ModelsPanelTests(CampgroundFixture suite)
{
    private const string PulledName = "tomodachi-test/tiny-model/tiny.Q8_0";

    /// <summary>A pull, a load and a list on two shared cores: a bound, never a measurement.</summary>
    private static readonly Microsoft.Playwright.LocatorAssertionsToContainTextOptions Slow = new() { Timeout = Patient.Timeout };

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private InferenceService.InferenceServiceClient Inference => new(suite.GatewayChannel);

    [Fact]
    public async Task A_model_is_pulled_with_progress_switched_to_unloaded_loaded_and_deleted_from_the_panel()
    {
        var demo = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;
        suite.Hub.Replace(await File.ReadAllBytesAsync(demo.Path, Timeout));
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenModelsPanelAsync();
        try
        {
            var demoRow = page.Locator($"tr[data-model='{demo.Id}']");
            await Expect(demoRow).ToContainTextAsync("loaded");
            await Expect(page.Locator("#modelsLoaded")).ToContainTextAsync(demo.Id);

            await page.Locator("#pullReference").FillAsync(ModelFileServer.Spec);
            await page.Locator("#pullModel").ClickAsync();
            await Expect(page.Locator("#modelsMessage")).ToContainTextAsync($"Pulled {PulledName}", Slow);
            var pulledRow = page.Locator($"tr[data-model='{PulledName}']");
            await Expect(pulledRow).ToContainTextAsync("llama");

            await pulledRow.Locator(".load-model").ClickAsync();
            await Expect(pulledRow).ToContainTextAsync("loaded", Slow);
            await Expect(page.Locator("#modelsLoaded")).ToContainTextAsync("tiny.Q8_0", Slow);
            var switched = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;
            Assert.Equal(Path.Combine(suite.ModelCache, "tomodachi-test", "tiny-model", "tiny.Q8_0.gguf"), switched.Path);

            await pulledRow.Locator(".unload-model").ClickAsync();
            await Expect(page.Locator("#modelsLoaded")).ToContainTextAsync("No model", Slow);
            await Expect(page.Locator("#modelsMessage")).ToContainTextAsync("Unloaded");

            await demoRow.Locator(".load-model").ClickAsync();
            await Expect(demoRow).ToContainTextAsync("loaded", Slow);
            await pulledRow.Locator(".delete-model").ClickAsync();
            await Expect(pulledRow).ToHaveCountAsync(0, new() { Timeout = Patient.Timeout });
            Assert.False(File.Exists(switched.Path));
        }
        finally
        {
            // The rest of the collection runs on the demo model.
            await Inference.LoadModelAsync(new LoadModelRequest { Path = demo.Path }, cancellationToken: Timeout);
        }
    }

    [Fact]
    public async Task A_pull_of_a_reference_the_hub_does_not_have_says_so_and_the_loaded_model_cannot_be_deleted()
    {
        var demo = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenModelsPanelAsync();
        const string missing = "hf:tomodachi-test/tiny-model/missing.gguf";

        await page.Locator("#pullReference").FillAsync(missing);
        await page.Locator("#pullModel").ClickAsync();

        await Expect(page.Locator("#modelsError")).ToContainTextAsync("Pull failed: NotFound", Slow);
        await Expect(page.Locator("#modelsError")).ToContainTextAsync(missing);
        await Expect(page.Locator($"tr[data-model='{demo.Id}'] .delete-model")).ToHaveCountAsync(0);
        Assert.True((await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model.Loaded);
    }
}
