using System.Globalization;
using System.Text;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>
/// A report as CSV (<see cref="CsvCell"/>: RFC 4180, text made inert to spreadsheets): one row per prompt and variant, in suite order with the base row first, carrying
/// the run's settings, the reply's figures, the side's RSS and the reply text.
/// </summary>
public static class ComparisonCsv
{
    public const string Header =
        "report_id,model_id,persona,adapter_path,adapter_scale,max_tokens,prompt_index,variant,prompt_tokens,completion_tokens," +
        "time_to_first_token_ms,latency_ms,generation_tokens_per_second,stop_reason,variant_rss_bytes,prompt,reply";

    public static string Write(ComparisonReport report)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        for (var i = 0; i < report.Prompts.Count; i++)
        {
            var prompt = report.Prompts[i];
            Row(csv, report, i, prompt.Prompt, "base", prompt.Base, report.Base.RssBytes);
            Row(csv, report, i, prompt.Prompt, "adapter", prompt.Adapter, report.Adapter.RssBytes);
        }

        return csv.ToString();
    }

    private static void Row(StringBuilder csv, ComparisonReport report, int index, string prompt, string variant, ComparisonReply reply, ulong rss)
    {
        string[] fields =
        [
            CsvCell.Text(report.ReportId), CsvCell.Text(report.ModelId), CsvCell.Text(report.Persona), CsvCell.Text(report.AdapterPath),
            Number(report.AdapterScale), Number(report.MaxTokens), Number(index + 1), variant, Number(reply.PromptTokens),
            Number(reply.CompletionTokens), Number(reply.TimeToFirstTokenMs), Number(reply.LatencyMs), Number(reply.GenerationTokensPerSecond),
            ProtoEnum.NameOf(reply.StopReason), Number(rss), CsvCell.Text(prompt), CsvCell.Text(reply.Text),
        ];
        csv.AppendJoin(',', fields).Append("\r\n");
    }

    private static string Number<T>(T value) where T : IFormattable => value.ToString(value is double or float ? "R" : null, CultureInfo.InvariantCulture);
}
