using System.Text.RegularExpressions;
using Tomodachi.EndToEndTests.Infrastructure;
using Tomodachi.Knob.V1;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests;

[Collection(CampgroundCollection.Name)]
public sealed partial class ToolboxTests(CampgroundFixture suite)
{
    [Fact]
    public async Task Toolbox_opens_and_navigates_with_the_keyboard_alone()
    {
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenToolboxWithKeyboardAsync();
        await Expect(page.Locator("#toolbox-status")).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Locator("#toolbox-chat")).ToBeFocusedAsync();
        await Expect(page.Locator("#toolbox-chat")).ToHaveClassAsync(Selected());
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("#toolbox-status")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Space");

        await Expect(page.Locator("#statusPanel")).ToBeVisibleAsync();
        await Expect(page.Locator("#statusPanelTitle")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#statusPanel")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Toolbox_follows_simulated_knob_rotation_and_press()
    {
        var knob = new KnobService.KnobServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await Expect(page.Locator("#toolboxMenu")).ToBeHiddenAsync();

        await knob.SimulateAsync(new SimulateRequest { Action = SimulateAction.Click });
        await Expect(page.Locator("#toolboxMenu")).ToBeVisibleAsync();
        await knob.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = 2 });
        await Expect(page.Locator("#toolbox-export")).ToHaveClassAsync(Selected());
        await knob.SimulateAsync(new SimulateRequest { Action = SimulateAction.Rotate, Steps = -2 });
        await Expect(page.Locator("#toolbox-status")).ToHaveClassAsync(Selected());
        await knob.SimulateAsync(new SimulateRequest { Action = SimulateAction.Click });

        await Expect(page.Locator("#statusPanel")).ToBeVisibleAsync();
        await Expect(page.Locator("#toolboxMenu")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Knob_press_shows_PRESSED_highlighted_and_release_shows_Waiting()
    {
        var knob = new KnobService.KnobServiceClient(suite.GatewayChannel);
        await using var session = await suite.OpenCampgroundAsync();
        var page = session.Page;
        await page.OpenStatusPanelAsync();
        var indicator = page.Locator("#knobIndicator");
        await Expect(indicator).ToHaveTextAsync("Waiting...");

        await knob.SimulateAsync(new SimulateRequest { Action = SimulateAction.Press });
        await Expect(indicator).ToHaveTextAsync("PRESSED!");
        await Expect(indicator).ToHaveClassAsync(PressedClass());
        await Expect(indicator).ToHaveAttributeAsync("aria-label", "Knob button state");

        await knob.SimulateAsync(new SimulateRequest { Action = SimulateAction.Release });
        await Expect(indicator).ToHaveTextAsync("Waiting...");
        await Expect(indicator).Not.ToHaveClassAsync(PressedClass());
    }

    [GeneratedRegex(@"\bselected\b")]
    private static partial Regex Selected();

    [GeneratedRegex(@"\bpressed\b")]
    private static partial Regex PressedClass();
}
