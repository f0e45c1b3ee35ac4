using Tomodachi.Inference.V1;
using Tomodachi.Web.Export;

namespace Tomodachi.Web.Tests.Export;

public sealed class TurnCsvWriterTests
{
    [Fact]
    public void Header_names_every_stat_of_the_contract_in_field_order()
    {
        var columns = TurnCsvWriter.Header.Split(',');

        Assert.Equal(TurnStats.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name), columns);
        Assert.Contains("completion_tokens", columns);
        Assert.Contains("total_latency_ms", columns);
        Assert.Contains("prompt_eval_ms", columns);
    }

    [Fact]
    public void Row_has_one_value_per_column_in_invariant_formats()
    {
        var row = Parse(TurnCsvWriter.Row(TestData.Turn()));
        var header = TurnCsvWriter.Header.Split(',');
        var values = header.Zip(row).ToDictionary(p => p.First, p => p.Second);

        Assert.Equal(header.Length, row.Count);
        Assert.Equal("42", values["completion_tokens"]);
        Assert.Equal("1234", values["total_latency_ms"]);
        Assert.Equal("17.46", values["generation_tokens_per_second"]);
        Assert.Equal("STOP_REASON_END_OF_GENERATION", values["stop_reason"]);
        Assert.Equal("true", values["demo"]);
        Assert.Equal("2026-11-28T10:00:01.234Z", values["finished_at"]);
    }

    [Fact]
    public void Text_that_begins_like_a_formula_is_exported_as_text_and_numbers_keep_their_sign()
    {
        var turn = TestData.Turn();
        turn.Persona = "=cmd|' /C calc'!A0";
        turn.ModelId = "@model";
        turn.OrchestratorMs = -1.5;
        var values = TurnCsvWriter.Header.Split(',').Zip(Parse(TurnCsvWriter.Row(turn))).ToDictionary(p => p.First, p => p.Second);

        Assert.Equal("'=cmd|' /C calc'!A0", values["persona"]);
        Assert.Equal("'@model", values["model_id"]);
        Assert.Equal("-1.5", values["orchestrator_ms"]);
    }

    [Fact]
    public void Text_with_commas_and_quotes_is_quoted()
    {
        var turn = TestData.Turn();
        turn.Persona = "say \"hi\", friend";

        var row = Parse(TurnCsvWriter.Row(turn));

        Assert.Contains("say \"hi\", friend", row);
    }

    [Fact]
    public async Task Export_writes_the_header_then_one_line_per_turn()
    {
        using var text = new StringWriter();

        await TurnCsvWriter.WriteHeaderAsync(text, CancellationToken.None);
        await TurnCsvWriter.WriteRowsAsync(text, [TestData.Turn("a"), TestData.Turn("b")], CancellationToken.None);

        var lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(TurnCsvWriter.Header, lines[0]);
        Assert.StartsWith("a,", lines[1]);
        Assert.StartsWith("b,", lines[2]);
    }

    private static List<string> Parse(string line) => Assert.Single(Csv.Parse(line));
}
