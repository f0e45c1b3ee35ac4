namespace Microsoft.Extensions.Hosting;

/// <summary>
/// CSV fields (RFC 4180) for every export. Text that begins like a formula (=, +, -, @, or a tab or carriage return
/// a spreadsheet skips) gets a leading apostrophe: prompts and replies are whatever someone typed, and a cell like
/// <c>=HYPERLINK(…)</c> must open as text, not run. Numbers the exporter formatted itself stay as they are, minus
/// signs included.
/// </summary>
public static class CsvCell
{
    /// <summary>Free text: made inert, then quoted where needed.</summary>
    public static string Text(string value) => Quote(value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value);

    /// <summary>A value the exporter formatted itself (a number, a time, an enum name), quoted where needed.</summary>
    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
