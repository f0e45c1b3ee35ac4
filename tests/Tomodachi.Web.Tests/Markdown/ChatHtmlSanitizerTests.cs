using AngleSharp.Html.Parser;
using Tomodachi.Web.Markdown;

namespace Tomodachi.Web.Tests.Markdown;

/// <summary>The sanitizer on its own, as the second layer: HTML that Markdig would never write must not get through either.</summary>
public sealed class ChatHtmlSanitizerTests
{
    private static readonly Ganss.Xss.HtmlSanitizer Sanitizer = ChatHtmlSanitizer.Create();

    [Theory]
    [InlineData("<p>ok</p><script>window.pwned=1</script>", "<p>ok</p>")]
    [InlineData("<p>ok</p><img src=x onerror=\"window.pwned=1\">", "<p>ok</p>")]
    [InlineData("<p onclick=\"window.pwned=1\">ok</p>", "<p>ok</p>")]
    [InlineData("<p style=\"background:url(javascript:x)\">ok</p>", "<p>ok</p>")]
    [InlineData("<a href=\"javascript:window.pwned=1\">ok</a>", "<a>ok</a>")]
    [InlineData("<iframe src=\"https://example.com\"></iframe><p>ok</p>", "<p>ok</p>")]
    [InlineData("<svg onload=\"window.pwned=1\"><path d=\"M0 0\"/></svg>", "<svg><path d=\"M0 0\"></path></svg>")]
    [InlineData("<form action=\"https://example.com\"><input type=\"text\"></form><p>ok</p>", "<p>ok</p>")]
    [InlineData("<button type=\"submit\" formaction=\"https://example.com\">ok</button>", "<button type=\"submit\">ok</button>")]
    public void Anything_not_on_the_allow_list_is_removed(string html, string expected)
    {
        Assert.Equal(expected, Sanitizer.Sanitize(html));
    }

    [Fact]
    public void Links_that_stay_get_a_new_tab_and_no_referrer()
    {
        var document = new HtmlParser().ParseDocument("<body></body>");
        document.Body!.InnerHtml = Sanitizer.Sanitize("<a href=\"https://example.com\">x</a>");
        var link = document.Body.QuerySelector("a")!;

        Assert.Equal("https://example.com", link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }
}
