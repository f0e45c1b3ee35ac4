using Microsoft.Extensions.Hosting;

namespace Tomodachi.ServiceDefaults.Tests;

public sealed class CsvCellTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+44 20 7946 0000", "'+44 20 7946 0000")]
    [InlineData("-x", "'-x")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("=a,b", "\"'=a,b\"")]
    [InlineData("plain text", "plain text")]
    [InlineData("a = b", "a = b")]
    [InlineData("", "")]
    public void Text_that_begins_like_a_formula_gets_an_apostrophe_and_is_quoted_where_needed(string text, string cell) =>
        Assert.Equal(cell, CsvCell.Text(text));

    [Theory]
    [InlineData("-1.5", "-1.5")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void Values_the_exporter_formatted_are_only_quoted(string value, string cell) =>
        Assert.Equal(cell, CsvCell.Quote(value));
}
