using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Tomodachi.Web.Components.Shared;

namespace Tomodachi.Web.Markdown;

/// <summary>
/// Renders every code block (fenced or indented, at any depth) with a heading that names its language and a copy
/// button. The button needs no handler of its own: chat.js copies the text of the block whose button was pressed.
/// </summary>
public sealed class CopyableCodeBlocks : IMarkdownExtension
{
    public const string CopyButtonClass = "code-copy";

    public void Setup(MarkdownPipelineBuilder pipeline)
    {
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html)
        {
            html.ObjectRenderers.Replace<CodeBlockRenderer>(new Renderer());
        }
    }

    private sealed class Renderer : HtmlObjectRenderer<CodeBlock>
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            var language = block is FencedCodeBlock { Info.Length: > 0 } fenced ? fenced.Info : null;
            renderer.EnsureLine();
            renderer.Write("<div class=\"code-block\"><div class=\"code-head\"><span class=\"code-language\">");
            renderer.WriteEscape(language ?? "code");
            renderer.Write("</span><button type=\"button\" class=\"").Write(CopyButtonClass)
                .Write("\" aria-label=\"Copy code\" title=\"Copy code\">").Write(Icons.Svg(IconName.Copy)).Write("<span>Copy</span></button></div><pre><code");
            if (language is not null)
            {
                renderer.Write(" class=\"language-").WriteEscape(language).Write('"');
            }

            renderer.Write('>');
            renderer.WriteLeafRawLines(block, writeEndOfLines: true, escape: true);
            renderer.WriteLine("</code></pre></div>");
        }
    }
}
