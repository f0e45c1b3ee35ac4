using Tomodachi.EndToEndTests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Tomodachi.EndToEndTests.Infrastructure.CampgroundPage;

namespace Tomodachi.EndToEndTests;

/// <summary>The base-vs-adapter section of the Tuning panel against the real CompareAdapter / GetLastComparison.</summary>
[Collection(CampgroundCollection.Name)]
public sealed class ComparisonTests(CampgroundFixture suite)
{
    [Fact]
    public async Task Before_the_first_run_the_panel_says_there_is_no_comparison_yet()
    {
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;

        await page.OpenTuningPanelAsync();

        await Expect(page.Locator("#comparisonEmpty")).ToContainTextAsync("No comparison yet");
        await Expect(page.Locator("#comparisonError")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData(true, "FailedPrecondition")]
    [InlineData(false, "PermissionDenied")]
    public async Task An_adapter_file_that_does_not_exist_or_lies_outside_the_model_folders_is_named_in_the_panel(bool inModelFolder, string status)
    {
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenTuningPanelAsync();
        var missing = Path.Combine(inModelFolder ? suite.ModelFolder : Path.GetTempPath(), $"tomodachi-e2e-missing-{Guid.NewGuid():N}.gguf");

        await page.Locator("#comparisonAdapter").FillAsync(missing);
        await page.Locator("#runComparison").ClickAsync();

        var error = page.Locator("#comparisonError");
        await Expect(error).ToContainTextAsync($"Comparison failed: {status}", new() { Timeout = Patient.Timeout });
        await Expect(error).ToContainTextAsync(missing);
        await Expect(page.Locator("#runComparison")).ToBeEnabledAsync();
    }
}
