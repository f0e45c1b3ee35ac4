using Tomodachi.Tuning.V1;
using Tomodachi.Web.Export;

namespace Tomodachi.Web.Tests.Export;

public sealed class ComparisonCsvWriterTests
{
    [Fact]
    public void Header_names_the_prompt_the_variant_and_every_reply_field_of_the_contract()
    {
        var columns = ComparisonCsvWriter.Header.Split(',');

        Assert.Equal(["report_id", "prompt_index", "prompt", "variant"], columns[..4]);
        Assert.Equal(ComparisonReply.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name), columns[4..]);
    }

    [Fact]
    public async Task Each_prompt_gives_a_base_row_and_an_adapter_row_with_their_figures()
    {
        var records = await WriteAsync(TuningData.Report());

        Assert.Equal(5, records.Count);
        Assert.All(records, record => Assert.Equal(records[0].Count, record.Count));
        var rows = records.Skip(1).Select(r => records[0].Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.Equal(["1", "1", "2", "2"], rows.Select(r => r["prompt_index"]));
        Assert.Equal(["COMPARISON_VARIANT_BASE", "COMPARISON_VARIANT_ADAPTER", "COMPARISON_VARIANT_BASE", "COMPARISON_VARIANT_ADAPTER"],
            rows.Select(r => r["variant"]));
        Assert.Equal(["12", "20", "30", "44"], rows.Select(r => r["completion_tokens"]));
        Assert.Equal("cmp-1", rows[0]["report_id"]);
        Assert.Equal("Hi there", rows[0]["text"]);
        Assert.Equal("38.25", rows[0]["generation_tokens_per_second"]);
        Assert.Equal("110.5", rows[0]["time_to_first_token_ms"]);
        Assert.Equal("STOP_REASON_END_OF_GENERATION", rows[0]["stop_reason"]);
    }

    [Fact]
    public async Task Prompts_and_replies_with_quotes_commas_and_line_breaks_survive_a_round_trip()
    {
        var records = await WriteAsync(TuningData.Report());

        Assert.Equal("Give me a plan, \"today\"", records[3][2]);
        Assert.Equal("Run 5 km,\nthen stretch.", records[4][4]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://attacker.example\",\"x\")")]
    [InlineData("+1+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    public async Task A_prompt_or_reply_that_begins_like_a_formula_is_exported_as_text(string formula)
    {
        var report = TuningData.Report();
        report.Prompts[0].Prompt = formula;
        report.Prompts[0].Base.Text = formula;

        var records = await WriteAsync(report);

        Assert.Equal("'" + formula, records[1][2]);
        Assert.Equal("'" + formula, records[1][4 + ComparisonReply.Descriptor.FindFieldByName("text").Index]);
    }

    [Fact]
    public async Task A_prompt_missing_a_reply_keeps_its_row_with_empty_figures()
    {
        var report = TuningData.Report();
        report.Prompts[0].Adapter = null;

        var records = await WriteAsync(report);

        Assert.Equal("COMPARISON_VARIANT_ADAPTER", records[2][3]);
        Assert.All(records[2].Skip(4), value => Assert.Equal("", value));
    }

    private static async Task<List<List<string>>> WriteAsync(ComparisonReport report)
    {
        using var text = new StringWriter();
        await ComparisonCsvWriter.WriteAsync(text, report, CancellationToken.None);
        return Csv.Parse(text.ToString());
    }
}
