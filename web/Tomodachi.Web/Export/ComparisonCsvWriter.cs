using Google.Protobuf.Reflection;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Export;

/// <summary>
/// Writes a comparison report as CSV in long form, one row per reply: the prompt's place in the suite, the prompt,
/// the variant, then one column per <see cref="ComparisonReply"/> field named as in the contract. Summaries (means,
/// percentiles, RSS) are in the JSON export; every one of them can be recomputed from these rows but RSS.
/// </summary>
public static class ComparisonCsvWriter
{
    private static readonly FieldDescriptor[] ReplyFields = [.. ComparisonReply.Descriptor.Fields.InFieldNumberOrder()];
    private static readonly FieldDescriptor VariantField = ComparisonProgress.Descriptor.FindFieldByName("variant");

    public static string Header =>
        string.Join(',', new[] { "report_id", "prompt_index", "prompt", "variant" }.Concat(ReplyFields.Select(f => f.Name)));

    public static async Task WriteAsync(TextWriter writer, ComparisonReport report, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(Header.AsMemory(), cancellationToken);
        foreach (var row in Rows(report))
        {
            await writer.WriteLineAsync(row.AsMemory(), cancellationToken);
        }
    }

    public static IEnumerable<string> Rows(ComparisonReport report) =>
        report.Prompts.SelectMany((prompt, index) => new[]
        {
            Row(report.ReportId, index + 1, prompt.Prompt, ComparisonVariant.Base, prompt.Base),
            Row(report.ReportId, index + 1, prompt.Prompt, ComparisonVariant.Adapter, prompt.Adapter),
        });

    private static string Row(string reportId, int index, string prompt, ComparisonVariant variant, ComparisonReply? reply) =>
        string.Join(',', new[] { CsvField.Of(reportId), CsvField.Of(index), CsvField.Of(prompt), CsvField.Of(VariantField, variant) }
            .Concat(ReplyFields.Select(f => reply is null ? "" : CsvField.Of(f, f.Accessor.GetValue(reply)))));
}
