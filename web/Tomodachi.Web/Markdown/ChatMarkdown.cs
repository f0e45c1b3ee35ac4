using Ganss.Xss;
using Markdig;

namespace Tomodachi.Web.Markdown;

/// <summary>
/// Turns chat text — a reply as it streams, or a person's message — into HTML that is safe to put into the page.
/// Two layers: Markdig with raw HTML disabled, so any tag in the text is written out as text, and then an
/// allow-list sanitizer over Markdig's output, so a link to <c>javascript:</c>, or anything a future extension lets
/// through, is dropped rather than trusted. Links open in a new tab without a referrer; images are not loaded
/// (a reply must not make the browser fetch anything) and show as their description.
/// </summary>
public sealed class ChatMarkdown
{
    private readonly MarkdownPipeline pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        // A chat line break is meant as one, as people type them with Shift+Enter.
        .UseSoftlineBreakAsHardlineBreak()
        .Use<CopyableCodeBlocks>()
        .Build();

    private readonly HtmlSanitizer sanitizer = ChatHtmlSanitizer.Create();

    /// <summary>The text as sanitized HTML; empty text gives an empty string.</summary>
    public string ToHtml(string text) =>
        text.Length == 0 ? "" : sanitizer.Sanitize(Markdig.Markdown.ToHtml(text, pipeline));
}
