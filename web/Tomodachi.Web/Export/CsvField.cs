using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Tomodachi.Web.Export;

/// <summary>Contract values as RFC 4180 CSV fields: invariant numbers, UTC ISO 8601 times, enums by their proto names.</summary>
public static class CsvField
{
    /// <summary>The value of a message field, formatted and quoted where needed.</summary>
    public static string Of(FieldDescriptor field, object? value) => Escape(value switch
    {
        null => "",
        Timestamp timestamp => timestamp.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        System.Enum item => field.EnumType.FindValueByNumber(Convert.ToInt32(item, CultureInfo.InvariantCulture))?.Name ?? item.ToString(),
        _ => Plain(value),
    });

    /// <summary>A value that is not a message field (e.g. a row number).</summary>
    public static string Of(object value) => Escape(Plain(value));

    private static string Plain(object value) => value switch
    {
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Escape(string field)
    {
        if (field.IndexOfAny([',', '"', '\n', '\r']) < 0)
        {
            return field;
        }

        var quoted = new StringBuilder(field.Length + 2).Append('"');
        quoted.Append(field.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
