using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Tomodachi.Web.Markdown;

namespace Tomodachi.Web.Tests.Markdown;

public sealed class ChatMarkdownTests
{
    private static readonly ChatMarkdown Markdown = new();

    [Fact]
    public void Emphasis_lists_and_inline_code_become_html()
    {
        var html = Render("Some **bold**, *italic* and ~~gone~~ `code`\n\n1. one\n2. two");

        Assert.Equal("bold", html.QuerySelector("strong")!.TextContent);
        Assert.Equal("italic", html.QuerySelector("em")!.TextContent);
        Assert.Equal("gone", html.QuerySelector("del")!.TextContent);
        Assert.Equal("code", html.QuerySelector("p code")!.TextContent);
        Assert.Equal(["one", "two"], html.QuerySelectorAll("ol li").Select(li => li.TextContent));
    }

    [Fact]
    public void A_line_break_typed_in_a_message_stays_a_line_break()
    {
        var html = Render("first line\nsecond line");

        Assert.NotNull(html.QuerySelector("p br"));
    }

    [Fact]
    public void A_fenced_code_block_names_its_language_keeps_its_text_and_has_a_copy_button()
    {
        var html = Render("Try this:\n\n```python\nif a < b and c > d:\n    print(\"<b>hi</b>\")\n```\n");

        var block = html.QuerySelector("div.code-block")!;
        Assert.Equal("python", block.QuerySelector(".code-language")!.TextContent);
        var code = block.QuerySelector("pre > code.language-python")!;
        Assert.Equal("if a < b and c > d:\n    print(\"<b>hi</b>\")\n", code.TextContent);
        Assert.Empty(code.Children);
        var copy = block.QuerySelector("button." + CopyableCodeBlocks.CopyButtonClass)!;
        Assert.Equal("button", copy.GetAttribute("type"));
        Assert.Equal("Copy code", copy.GetAttribute("aria-label"));
        Assert.NotNull(copy.QuerySelector("svg path"));
    }

    [Fact]
    public void Indented_and_nested_code_blocks_get_a_copy_button_too()
    {
        var html = Render("    indented code\n\n- a step:\n\n  ```\n  nested\n  ```\n");

        Assert.Equal(2, html.QuerySelectorAll("div.code-block button.code-copy").Length);
        Assert.Equal("indented code\n", html.QuerySelectorAll("pre code")[0].TextContent);
        Assert.Equal("nested\n", html.QuerySelector("li pre code")!.TextContent);
    }

    [Fact]
    public void A_code_block_still_streaming_in_renders_as_code()
    {
        var html = Render("Here:\n```js\nconst x = 1;");

        Assert.Equal("const x = 1;\n", html.QuerySelector("pre code.language-js")!.TextContent);
    }

    [Theory]
    [InlineData("<script>window.pwned = 1</script>")]
    [InlineData("Hi <script>window.pwned = 1</script> there")]
    [InlineData("<img src=x onerror=\"window.pwned = 1\">")]
    [InlineData("text <img src=x onerror=window.pwned=1> inline")]
    [InlineData("<svg onload=\"window.pwned = 1\"></svg>")]
    [InlineData("<iframe src=\"javascript:window.pwned=1\"></iframe>")]
    [InlineData("<a href=\"javascript:window.pwned=1\">click</a>")]
    [InlineData("<div onclick=\"window.pwned = 1\">\nraw html block\n</div>")]
    [InlineData("<style>body { display: none }</style>")]
    [InlineData("<!-- a comment --><p>para</p>")]
    public void Raw_html_in_the_text_is_shown_as_text_and_never_becomes_an_element(string text)
    {
        var html = Render(text);

        Assert.Empty(html.QuerySelectorAll("script, img, svg, iframe, style, div, a"));
        Assert.DoesNotContain(html.QuerySelectorAll("*"), e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal)));
        // What was typed is there to read, as text.
        Assert.Equal(Normalize(text), Normalize(html.TextContent));
    }

    [Theory]
    [InlineData("[click me](javascript:window.pwned=1)")]
    [InlineData("[click me](JaVaScRiPt:window.pwned=1)")]
    [InlineData("[click me](java&#x09;script:window.pwned=1)")]
    [InlineData("[click me](&#106;avascript:window.pwned=1)")]
    [InlineData("[click me](vbscript:msgbox)")]
    [InlineData("[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[click me][ref]\n\n[ref]: javascript:window.pwned=1")]
    public void A_link_to_script_or_data_keeps_its_text_but_loses_its_target(string text)
    {
        var html = Render(text);

        var link = Assert.Single(html.QuerySelectorAll("a"));
        Assert.Equal("click me", link.TextContent);
        Assert.Null(link.GetAttribute("href"));
    }

    [Fact]
    public void An_autolink_to_script_is_not_a_link_target()
    {
        var html = Render("<javascript:window.pwned=1>");

        Assert.All(html.QuerySelectorAll("a"), a => Assert.Null(a.GetAttribute("href")));
    }

    [Theory]
    [InlineData("[docs](https://example.com/docs?a=1&b=2)", "https://example.com/docs?a=1&b=2")]
    [InlineData("see https://example.com/page", "https://example.com/page")]
    [InlineData("[mail](mailto:me@example.com)", "mailto:me@example.com")]
    public void A_web_link_opens_in_a_new_tab_without_a_referrer(string text, string href)
    {
        var link = Render(text).QuerySelector("a")!;

        Assert.Equal(href, link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }

    [Fact]
    public void An_image_is_not_loaded_and_shows_its_description()
    {
        var html = Render("Look: ![a sleeping cat](http://example.com/cat.png)");

        Assert.Empty(html.QuerySelectorAll("img"));
        Assert.Contains("a sleeping cat", html.TextContent);
    }

    [Fact]
    public void A_table_keeps_its_cells_and_alignment()
    {
        var html = Render("| name | tokens |\n|:-----|-------:|\n| a | 12 |\n");

        Assert.Equal(["name", "tokens"], html.QuerySelectorAll("thead th").Select(th => th.TextContent));
        Assert.Equal(["a", "12"], html.QuerySelectorAll("tbody td").Select(td => td.TextContent));
        Assert.Contains("text-align: right", html.QuerySelectorAll("tbody td")[1].GetAttribute("style"));
    }

    [Fact]
    public void Empty_text_is_empty_html() => Assert.Equal("", Markdown.ToHtml(""));

    private static IElement Render(string text)
    {
        var document = new HtmlParser().ParseDocument("<body></body>");
        document.Body!.InnerHtml = Markdown.ToHtml(text);
        return document.Body;
    }

    /// <summary>Whitespace aside: Markdig may end a paragraph with a newline the text did not have.</summary>
    private static string Normalize(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
