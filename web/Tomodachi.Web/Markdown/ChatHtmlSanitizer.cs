using AngleSharp.Dom;
using Ganss.Xss;

namespace Tomodachi.Web.Markdown;

/// <summary>The allow-list for chat HTML: what Markdig writes for the extensions <see cref="ChatMarkdown"/> uses, nothing more.</summary>
public static class ChatHtmlSanitizer
{
    private static readonly string[] Tags =
    [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "input", "a", "table", "thead", "tbody", "tr", "th", "td",
        // The code block's heading and copy button, and the button's icon.
        "div", "span", "button", "svg", "path", "rect",
    ];

    private static readonly string[] Attributes =
    [
        "href", "class", "style", "start", "type", "checked", "disabled", "aria-label", "title", "aria-hidden", "focusable",
        "viewbox", "width", "height", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "d", "x", "y", "rx",
    ];

    public static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(Tags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(Attributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            // Table cell alignment is the only style Markdig writes.
            AllowedCssProperties = new HashSet<string>(["text-align"], StringComparer.OrdinalIgnoreCase),
        });
        sanitizer.RemovingTag += (_, e) => KeepImageDescription(e.Tag);
        sanitizer.PostProcessNode += (_, e) => OpenLinksApart(e.Node);
        return sanitizer;
    }

    private static void KeepImageDescription(IElement tag)
    {
        if (tag.LocalName == "img" && tag.GetAttribute("alt") is { Length: > 0 } description)
        {
            tag.Parent?.InsertBefore(tag.Owner!.CreateTextNode(description), tag);
        }
    }

    private static void OpenLinksApart(INode node)
    {
        if (node is IElement { LocalName: "a" } link && link.HasAttribute("href"))
        {
            link.SetAttribute("target", "_blank");
            link.SetAttribute("rel", "noopener noreferrer nofollow");
        }
    }
}
