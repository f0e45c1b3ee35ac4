using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Export;

/// <summary>
/// Writes turns as CSV, one row per turn and one column per <see cref="TurnStats"/> field, named as in the
/// contract. Columns come from the message descriptor, so a stat added to the contract is exported too.
/// </summary>
public static class TurnCsvWriter
{
    private static readonly FieldDescriptor[] Fields = [.. TurnStats.Descriptor.Fields.InFieldNumberOrder()];

    public static string Header => string.Join(',', Fields.Select(f => f.Name));

    public static async Task WriteAsync(TextWriter writer, IEnumerable<TurnStats> turns, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(Header.AsMemory(), cancellationToken);
        foreach (var turn in turns)
        {
            await writer.WriteLineAsync(Row(turn).AsMemory(), cancellationToken);
        }
    }

    public static string Row(TurnStats turn) =>
        string.Join(',', Fields.Select(f => Escape(Format(f, f.Accessor.GetValue(turn)))));

    private static string Format(FieldDescriptor field, object? value) => value switch
    {
        null => "",
        Timestamp timestamp => timestamp.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        System.Enum item => field.EnumType.FindValueByNumber(Convert.ToInt32(item, CultureInfo.InvariantCulture))?.Name ?? item.ToString(),
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
