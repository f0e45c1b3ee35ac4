namespace Tomodachi.Web.Components.Shared;

/// <summary>The icons of the UI, drawn as inline SVG on a 24×24 grid with the text's colour.</summary>
/// <remarks>Not emoji: a machine without an emoji font (the base image here, many Linux desktops) shows those as empty boxes.</remarks>
public enum IconName
{
    Tent,
    Toolbox,
    Status,
    Chat,
    Download,
    Tuning,
    Close,
    History,
    Lightning,
    Database,
    Knob,
    Search,
    Book,
    Compare,
    ThumbsUp,
    ThumbsDown,
    Plus,
    Pencil,
    Trash,
    Regenerate,
    Stop,
    Send,
    Copy,
    Check,
    Sidebar,
    Monitor,
    Warning,
    Package,
    Memory,
    Pin,
    Private,
}

/// <summary>The SVG elements of each icon, for <see cref="Icon"/> and for markup built outside components.</summary>
public static class Icons
{
    private const string ThumbsUpShape =
        "<path d=\"M7 10v11\"/><path d=\"M7 10l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8a2 2 0 0 1-2 1.7H7\"/>" +
        "<path d=\"M7 10H4a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h3\"/>";

    /// <summary>The elements inside the icon's &lt;svg&gt;: constant markup, never built from input.</summary>
    public static string Shapes(IconName icon) => icon switch
    {
        IconName.Tent => "<path d=\"M12 4 2.5 20h19z\"/><path d=\"M12 11l-3.5 9M12 11l3.5 9\"/>",
        IconName.Toolbox => "<rect x=\"3\" y=\"8\" width=\"18\" height=\"12\" rx=\"2\"/><path d=\"M8 8V6a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2\"/>" +
            "<path d=\"M3 13h18\"/><path d=\"M10 13v2h4v-2\"/>",
        IconName.Status => "<path d=\"M4 20h16\"/><path d=\"M7 16v-5\"/><path d=\"M12 16V6\"/><path d=\"M17 16v-8\"/>",
        IconName.Chat => "<path d=\"M20 12a8 8 0 0 1-11.6 7.1L4 20l1-4.4A8 8 0 1 1 20 12z\"/>",
        IconName.Download => "<path d=\"M12 4v11\"/><path d=\"m7 10 5 5 5-5\"/><path d=\"M5 20h14\"/>",
        IconName.Tuning => "<circle cx=\"12\" cy=\"12\" r=\"9\"/><circle cx=\"12\" cy=\"12\" r=\"5\"/><circle cx=\"12\" cy=\"12\" r=\"1\"/>",
        IconName.Close => "<path d=\"M6 6l12 12M18 6 6 18\"/>",
        IconName.History => "<path d=\"M4 20h16\"/><path d=\"m5 15 4-5 4 3 6-7\"/>",
        IconName.Lightning => "<path d=\"M13 2 4 14h7l-1 8 9-12h-7z\"/>",
        IconName.Database => "<ellipse cx=\"12\" cy=\"5\" rx=\"8\" ry=\"3\"/><path d=\"M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5\"/>" +
            "<path d=\"M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3\"/>",
        IconName.Knob => "<circle cx=\"12\" cy=\"13\" r=\"7\"/><path d=\"M12 13V8\"/><path d=\"M12 2v2M4.2 5.2l1.4 1.4M19.8 5.2l-1.4 1.4\"/>",
        IconName.Search => "<circle cx=\"11\" cy=\"11\" r=\"7\"/><path d=\"m20 20-4-4\"/>",
        IconName.Book => "<path d=\"M4 19V5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2z\"/><path d=\"M4 19a2 2 0 0 0 2 2h14\"/>",
        IconName.Compare => "<rect x=\"3\" y=\"4\" width=\"7\" height=\"16\" rx=\"1\"/><rect x=\"14\" y=\"4\" width=\"7\" height=\"16\" rx=\"1\"/>",
        IconName.ThumbsUp => ThumbsUpShape,
        IconName.ThumbsDown => "<g transform=\"rotate(180 12 12)\">" + ThumbsUpShape + "</g>",
        IconName.Plus => "<path d=\"M12 5v14M5 12h14\"/>",
        IconName.Pencil => "<path d=\"M4 20h4L19 9l-4-4L4 16z\"/><path d=\"m13.5 6.5 4 4\"/>",
        IconName.Trash => "<path d=\"M4 7h16\"/><path d=\"M10 11v6M14 11v6\"/><path d=\"M6 7l1 13h10l1-13\"/><path d=\"M9 7V4h6v3\"/>",
        IconName.Regenerate => "<path d=\"M20 12a8 8 0 1 1-2.3-5.7\"/><path d=\"M20 4v5h-5\"/>",
        IconName.Stop => "<rect x=\"6\" y=\"6\" width=\"12\" height=\"12\" rx=\"1.5\" fill=\"currentColor\"/>",
        IconName.Send => "<path d=\"M12 19V5\"/><path d=\"m5 12 7-7 7 7\"/>",
        IconName.Copy => "<rect x=\"9\" y=\"9\" width=\"11\" height=\"11\" rx=\"2\"/><path d=\"M15 5V4a1 1 0 0 0-1-1H5a2 2 0 0 0-2 2v9a1 1 0 0 0 1 1h1\"/>",
        IconName.Check => "<path d=\"m5 12 5 5 9-10\"/>",
        IconName.Sidebar => "<rect x=\"3\" y=\"4\" width=\"18\" height=\"16\" rx=\"2\"/><path d=\"M9 4v16\"/>",
        IconName.Monitor => "<rect x=\"3\" y=\"4\" width=\"18\" height=\"12\" rx=\"2\"/><path d=\"M8 20h8M12 16v4\"/>",
        IconName.Warning => "<path d=\"M12 3 2 20h20z\"/><path d=\"M12 10v4M12 17v.5\"/>",
        IconName.Package => "<path d=\"M12 3 3 7.5v9L12 21l9-4.5v-9z\"/><path d=\"M3 7.5 12 12l9-4.5\"/><path d=\"M12 12v9\"/>",
        IconName.Memory => "<path d=\"M9 18h6M10 21h4\"/><path d=\"M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5h6c0-1 .3-1.8 1-2.5A6 6 0 0 0 12 3z\"/>",
        IconName.Pin => "<path d=\"M9 3h6l-1 6 4 4H6l4-4z\"/><path d=\"M12 13v8\"/>",
        IconName.Private => "<path d=\"M3 3l18 18\"/><path d=\"M10.6 6.1A9.8 9.8 0 0 1 12 6c5 0 9 6 9 6a17 17 0 0 1-2.6 3.2\"/>" +
            "<path d=\"M6.6 7.6A17 17 0 0 0 3 12s4 6 9 6a9 9 0 0 0 4.4-1.2\"/><path d=\"M9.9 9.9a3 3 0 0 0 4.2 4.2\"/>",
        _ => throw new ArgumentOutOfRangeException(nameof(icon), icon, "No such icon."),
    };

    /// <summary>The whole &lt;svg&gt; element, hidden from assistive technology: the control around it carries the label.</summary>
    public static string Svg(IconName icon) =>
        "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"1em\" height=\"1em\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" " +
        "stroke-linecap=\"round\" stroke-linejoin=\"round\" aria-hidden=\"true\" focusable=\"false\">" + Shapes(icon) + "</svg>";
}
