using System.Net;
using System.Text.Json;
using Grpc.Core;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Export;

public sealed class ComparisonExportEndpointTests() : ScriptedWebTests(started => started.TuningAddress)
{
    [Fact]
    public async Task Json_export_is_the_whole_last_report_with_the_contracts_field_names()
    {
        Backends.Tuning.LastReport = TuningData.Report();
        using var http = Web.CreateClient();

        using var response = await http.GetAsync("/export/comparison.json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("tomodachi-comparison-cmp-1.json", response.Content.Headers.ContentDisposition!.FileName);
        var root = json.RootElement;
        Assert.Equal("cmp-1", root.GetProperty("report_id").GetString());
        Assert.Equal(40.5, root.GetProperty("base").GetProperty("mean_generation_tokens_per_second").GetDouble());
        Assert.Equal(35.25, root.GetProperty("adapter").GetProperty("mean_generation_tokens_per_second").GetDouble());
        Assert.Equal("COMPARISON_VARIANT_ADAPTER", root.GetProperty("adapter").GetProperty("variant").GetString());
        Assert.Equal(2, root.GetProperty("prompts").GetArrayLength());
        Assert.Equal("Hello, champion", root.GetProperty("prompts")[0].GetProperty("adapter").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Csv_export_has_a_row_per_prompt_and_variant()
    {
        Backends.Tuning.LastReport = TuningData.Report();
        using var http = Web.CreateClient();

        using var response = await http.GetAsync("/export/comparison.csv");
        var records = Csv.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Tomodachi.Web.Export.ComparisonCsvWriter.Header, string.Join(',', records[0]));
        Assert.Equal(5, records.Count);
    }

    [Theory]
    [InlineData("/export/comparison.json")]
    [InlineData("/export/comparison.csv")]
    public async Task Before_the_first_comparison_the_export_answers_404_saying_so(string path)
    {
        using var http = Web.CreateClient();

        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No comparison yet", body);
    }

    [Fact]
    public async Task While_the_service_fails_the_export_answers_503_with_the_reason()
    {
        Backends.Tuning.Failures["GetLastComparison"] = new Status(StatusCode.Unavailable, "the journal is locked");
        using var http = Web.CreateClient();

        using var response = await http.GetAsync("/export/comparison.json");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("the journal is locked", body);
    }
}
