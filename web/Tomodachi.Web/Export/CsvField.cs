using System.Globalization;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Tomodachi.Web.Export;

/// <summary>
/// Contract values as CSV fields (<see cref="CsvCell"/>): invariant numbers, UTC ISO 8601 times, enums by their proto
/// names, text made inert to spreadsheets.
/// </summary>
public static class CsvField
{
    /// <summary>The value of a message field, formatted and quoted where needed.</summary>
    public static string Of(FieldDescriptor field, object? value) => value switch
    {
        string text => CsvCell.Text(text),
        _ => CsvCell.Quote(value switch
        {
            null => "",
            Timestamp timestamp => timestamp.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            System.Enum item => field.EnumType.FindValueByNumber(Convert.ToInt32(item, CultureInfo.InvariantCulture))?.Name ?? item.ToString(),
            _ => Plain(value),
        }),
    };

    /// <summary>A value that is not a message field (e.g. a row number).</summary>
    public static string Of(object value) => value is string text ? CsvCell.Text(text) : CsvCell.Quote(Plain(value));

    private static string Plain(object value) => value switch
    {
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
