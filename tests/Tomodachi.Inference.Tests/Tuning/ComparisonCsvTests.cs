using Tomodachi.Inference.Tuning.Comparison;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tests.Tuning;

public sealed class ComparisonCsvTests
{
    [Fact]
    public void Prompts_replies_and_names_that_begin_like_formulas_are_written_as_text()
    {
        var report = new ComparisonReport
        {
            ReportId = "cmp-1",
            ModelId = "-model",
            Persona = "tomodachi",
            AdapterPath = "/models/a.gguf",
            Base = new VariantSummary(),
            Adapter = new VariantSummary(),
            Prompts =
            {
                new PromptComparison
                {
                    Prompt = "=HYPERLINK(\"http://attacker.example\")",
                    Base = new ComparisonReply { Text = "@SUM(A1)", TimeToFirstTokenMs = 12.5 },
                    Adapter = new ComparisonReply { Text = "+1" },
                },
            },
        };

        var lines = ComparisonCsv.Write(report).Split("\r\n");

        Assert.StartsWith("cmp-1,'-model,tomodachi,/models/a.gguf,", lines[1]);
        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://attacker.example\"\")\",'@SUM(A1)", lines[1]);
        Assert.EndsWith(",'+1", lines[2]);
        Assert.Contains(",12.5,", lines[1]);
    }
}
