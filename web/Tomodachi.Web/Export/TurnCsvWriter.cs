using Google.Protobuf.Reflection;
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

    public static Task WriteHeaderAsync(TextWriter writer, CancellationToken cancellationToken) =>
        writer.WriteLineAsync(Header.AsMemory(), cancellationToken);

    public static async Task WriteRowsAsync(TextWriter writer, IEnumerable<TurnStats> turns, CancellationToken cancellationToken)
    {
        foreach (var turn in turns)
        {
            await writer.WriteLineAsync(Row(turn).AsMemory(), cancellationToken);
        }
    }

    public static string Row(TurnStats turn) =>
        string.Join(',', Fields.Select(f => CsvField.Of(f, f.Accessor.GetValue(turn))));
}
