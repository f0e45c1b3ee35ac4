using System.Globalization;
using System.Text;
using Tomodachi.Web.Components.Shared;

namespace Tomodachi.Web.Tests.Components;

public sealed class IconTests : BunitContext
{
    [Fact]
    public void Every_icon_is_an_inline_svg_hidden_from_assistive_technology()
    {
        foreach (var name in Enum.GetValues<IconName>())
        {
            var svg = Render<Icon>(parameters => parameters.Add(p => p.Name, name)).Find("svg");

            Assert.Equal("true", svg.GetAttribute("aria-hidden"));
            Assert.Equal("0 0 24 24", svg.GetAttribute("viewBox"));
            Assert.NotEmpty(svg.Children);
        }
    }

    /// <summary>
    /// No emoji or pictographic symbol in the web app's markup or code: without an emoji font (the base image, many Linux
    /// desktops) they render as empty boxes. Icons are <see cref="Icon"/>s.
    /// </summary>
    [Fact]
    public void The_web_app_shows_no_emoji()
    {
        var web = Path.Combine(RepositoryRoot(), "web", "Tomodachi.Web");
        var offenders = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal)
                || f.EndsWith(".css", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(web, f), Line: i + 1, Text: line)))
            .Where(l => l.Text.EnumerateRunes().Any(IsPictograph))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    // Emoji and the symbol blocks fonts without colour emoji leave empty: misc symbols, dingbats, arrows-as-emoji, and the
    // emoji presentation selector.
    private static bool IsPictograph(Rune rune) =>
        rune.Value is >= 0x1F000 and <= 0x1FAFF or >= 0x2600 and <= 0x27BF or >= 0x2B00 and <= 0x2BFF or 0xFE0F
        || Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherSymbol && rune.Value > 0x2300;

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tomodachi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Tomodachi.sln not found above the test output.");
    }
}
