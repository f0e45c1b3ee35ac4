using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>What a person does on the Campground page, by keyboard, and how they read the panel.</summary>
internal static class CampgroundPage
{
    /// <summary>Long enough for a reply from the demo model on two shared cores; only a bound, never a measurement.</summary>
    public static readonly LocatorAssertionsToHaveTextOptions Patient = new() { Timeout = 120_000 };

    public static async Task OpenToolboxWithKeyboardAsync(this IPage page)
    {
        await page.Locator("#toolboxButton").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#toolboxMenu")).ToBeVisibleAsync();
    }

    public static async Task OpenStatusPanelAsync(this IPage page)
    {
        await page.OpenToolboxWithKeyboardAsync();
        await Expect(page.Locator("#toolbox-status")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#statusPanel")).ToBeVisibleAsync();
    }

    /// <summary>Toolbox by keyboard, End to the last item (Tuning).</summary>
    public static async Task FocusLastToolboxItemAsync(this IPage page)
    {
        await page.OpenToolboxWithKeyboardAsync();
        await Expect(page.Locator("#toolbox-status")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("End");
        await Expect(page.Locator("#toolbox-tuning")).ToBeFocusedAsync();
    }

    /// <summary>Toolbox by keyboard, End, one up to Models, Enter.</summary>
    public static async Task OpenModelsPanelAsync(this IPage page)
    {
        await page.FocusLastToolboxItemAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("#toolbox-models")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#modelsPanel")).ToBeVisibleAsync();
    }

    /// <summary>Toolbox by keyboard, End, up past Models to Memories, Enter (also when the menu remembers another item).</summary>
    public static async Task OpenMemoriesPanelAsync(this IPage page)
    {
        await page.OpenToolboxWithKeyboardAsync();
        await Expect(page.Locator("#toolboxMenu [aria-current='true']")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("End");
        await Expect(page.Locator("#toolbox-tuning")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("#toolbox-memories")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#memoriesPanel")).ToBeVisibleAsync();
    }

    public static async Task OpenTuningPanelAsync(this IPage page)
    {
        await page.FocusLastToolboxItemAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#tuningPanel")).ToBeVisibleAsync();
    }

    /// <summary>The chat's conversation id (the sidebar's entries carry theirs too, so the chat section is named).</summary>
    public static async Task<string> SessionIdAsync(this IPage page) =>
        await page.Locator("section.chat[data-session-id]").GetAttributeAsync("data-session-id")
        ?? throw new InvalidOperationException("The chat has no session id.");

    /// <summary>Reads "123.4 MB" as 123.4; null for N/A.</summary>
    public static async Task<double?> MegabytesAsync(this IPage page, string selector)
    {
        var text = (await page.Locator(selector).InnerTextAsync()).Trim();
        return text.EndsWith(" MB", StringComparison.Ordinal)
            ? double.Parse(text[..^3], CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>The panel's formats, written out independently of the web code they check.</summary>
    public static string Seconds(double milliseconds) => (milliseconds / 1000).ToString("0.00", CultureInfo.InvariantCulture) + "s";

    public static string TokensPerSecond(double rate) => rate.ToString("0.0", CultureInfo.InvariantCulture) + " t/s";

    /// <summary>Bytes as <c>XXX.X MB</c>, MB = 1024² bytes.</summary>
    public static string Megabytes1(double bytes) => (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
